/**
 * Where a request comes from, at each prefix length that is counted. One person holds an IPv4
 * address, or an IPv6 /64 (one LAN); a home or small site usually gets a /56, an organisation a
 * /48, and an IPv4 /24 is one provider's block. So an attacker who holds a whole /48 (65,536 /64s)
 * or many addresses of one /24 is still one network, with one network's share.
 */
export interface Address {
  /** The counters' object: the /24 or /48 (or "unknown"). */
  network: string;
  /** Each counted prefix, narrowest first: /32 and /24, or /64, /56 and /48. */
  tiers: { tier: "address" | "site" | "network"; key: string }[];
}

/**
 * The client's address, as the counters see it. Cloudflare sets CF-Connecting-IP on every
 * request (and `wrangler dev` when the client did not). Anything unparseable is one network.
 */
export function clientAddress(request: Request): Address {
  const ip = request.headers.get("CF-Connecting-IP")?.trim() ?? "";
  const v4 = ipv4(ip) ?? ipv4(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1] ?? "");
  if (v4) {
    const block = `${v4.slice(0, 3).join(".")}.0/24`;
    return {
      network: block,
      tiers: [
        { tier: "address", key: v4.join(".") },
        { tier: "network", key: block },
      ],
    };
  }
  const v6 = ipv6(ip);
  if (v6) {
    const [a, b, c, d] = v6.map((h) => h.toString(16));
    const network = `${a}:${b}:${c}::/48`;
    return {
      network,
      tiers: [
        { tier: "address", key: `${a}:${b}:${c}:${d}::/64` },
        { tier: "site", key: `${a}:${b}:${c}:${(v6[3]! & 0xff00).toString(16)}::/56` },
        { tier: "network", key: network },
      ],
    };
  }
  return { network: "unknown", tiers: [{ tier: "address", key: "unknown" }] };
}

function ipv4(ip: string): number[] | undefined {
  if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) return undefined;
  const parts = ip.split(".").map(Number);
  return parts.every((n) => n <= 255) ? parts : undefined;
}

/** The first four hextets of an IPv6 address (all that is counted), or undefined. */
function ipv6(ip: string): number[] | undefined {
  if (!/^[0-9a-f:]{2,39}$/i.test(ip) || !ip.includes(":")) return undefined;
  const halves = ip.toLowerCase().split("::");
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(":") : [];
  const right = halves[1] ? halves[1].split(":") : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const hextets = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (hextets.some((h) => !/^[0-9a-f]{1,4}$/.test(h))) return undefined;
  return hextets.slice(0, 4).map((h) => Number.parseInt(h, 16));
}
