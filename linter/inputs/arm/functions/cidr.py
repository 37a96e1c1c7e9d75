"""CIDR functions: parseCidr, cidrSubnet, cidrHost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm.functions.core import EvalError, expect, register

if TYPE_CHECKING:
    import ipaddress


def _network(value: Any, function: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    import ipaddress  # here, not at the top: few templates use CIDR functions, and every scan would pay for it

    return ipaddress.ip_network(expect(value, str, function), strict=False)


@register("parseCidr", min_args=1, max_args=1)
def parse_cidr(env: Any, value: Any) -> dict[str, Any]:
    network = _network(value, "parseCidr")
    hosts = list(network.hosts()) if network.num_addresses <= 4 else None
    first = hosts[0] if hosts else network.network_address + (1 if network.num_addresses > 2 else 0)
    last = hosts[-1] if hosts else network.broadcast_address - (1 if network.num_addresses > 2 else 0)
    result = {
        "network": str(network.network_address), "netmask": str(network.netmask),
        "firstUsable": str(first), "lastUsable": str(last), "cidr": network.prefixlen,
    }
    if network.version == 4:
        result["broadcast"] = str(network.broadcast_address)
    return result


@register("cidrSubnet", min_args=3, max_args=3)
def cidr_subnet(env: Any, value: Any, prefix: Any, index: Any) -> str:
    network = _network(value, "cidrSubnet")
    expect(prefix, int, "cidrSubnet")
    expect(index, int, "cidrSubnet")
    if prefix < network.prefixlen:
        raise EvalError("cidrSubnet() prefix is shorter than the network's")
    size = 2 ** (network.max_prefixlen - prefix)
    if not 0 <= index < 2 ** (prefix - network.prefixlen):
        raise EvalError("cidrSubnet() index out of range")
    address = network.network_address + index * size
    return f"{address}/{prefix}"


@register("cidrHost", min_args=2, max_args=2)
def cidr_host(env: Any, value: Any, index: Any) -> str:
    network = _network(value, "cidrHost")
    expect(index, int, "cidrHost")
    offset = 1 if network.version == 4 and network.prefixlen < 31 else 0
    address = network.network_address + offset + index
    if address not in network:
        raise EvalError("cidrHost() index out of range")
    return str(address)
