"""Bicep compilation: one parsed file into the ARM template (`languageVersion 2.0`) the Bicep compiler would
write, with a source map from template paths back to Bicep lines."""
