import { describe, expect, it } from "vitest";
import { assertPublicUrl, BlockedUrlError } from "../../src/channels/ssrf.js";

/** DNS, injected: the tests never touch the network. */
const dns: Record<string, string[]> = {
  "hooks.acme.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
  "rebound.acme.example": ["93.184.216.34", "10.0.0.5"],
  "internal.acme.example": ["10.0.0.5"],
  "v6-private.acme.example": ["fd12:3456::1"],
};
const lookup = async (host: string) => {
  const addresses = dns[host];
  if (!addresses) throw new Error("ENOTFOUND");
  return addresses;
};

async function refusal(url: string, allowHosts?: string[]): Promise<string> {
  const error = await assertPublicUrl(url, { lookup, allowHosts }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BlockedUrlError);
  return (error as Error).message;
}

describe("assertPublicUrl", () => {
  it("allows a public name, returning every address it resolved to", async () => {
    const { url, addresses } = await assertPublicUrl("https://hooks.acme.example/segmento", { lookup });
    expect(url.hostname).toBe("hooks.acme.example");
    expect(addresses).toEqual(dns["hooks.acme.example"]);
    expect((await assertPublicUrl("https://93.184.216.34/x", { lookup })).addresses).toEqual([
      "93.184.216.34",
    ]);
  });

  it.each([
    ["loopback", "https://127.0.0.1/", /loopback/],
    ["loopback, elsewhere in 127/8", "https://127.8.9.10/", /loopback/],
    ["IPv6 loopback", "https://[::1]/", /loopback/],
    ["private 10/8", "https://10.1.2.3/", /private/],
    ["private 172.16/12", "https://172.31.255.1/", /private/],
    ["private 192.168/16", "https://192.168.0.1/", /private/],
    ["IPv6 unique local", "https://[fc00::1]/", /private/],
    ["link-local", "https://169.254.1.1/", /link-local/],
    ["IPv6 link-local", "https://[fe80::1]/", /link-local/],
    ["unspecified", "https://0.0.0.0/", /unspecified/],
    ["IPv6 unspecified", "https://[::]/", /unspecified/],
    ["carrier-grade NAT", "https://100.64.0.1/", /carrier-grade NAT/],
    ["multicast", "https://224.0.0.1/", /multicast/],
    ["IPv6 multicast", "https://[ff02::1]/", /multicast/],
    ["broadcast", "https://255.255.255.255/", /broadcast/],
    ["AWS metadata", "https://169.254.169.254/latest/meta-data/", /metadata/],
    ["AWS IPv6 metadata", "https://[fd00:ec2::254]/", /metadata/],
    ["GCP metadata name", "https://metadata.google.internal/computeMetadata/v1/", /internal name/],
    ["localhost", "https://localhost/", /internal name/],
    ["IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/", /IPv4-mapped/],
    ["IPv4-mapped IPv6, hex", "https://[::ffff:a9fe:a9fe]/", /IPv4-mapped/],
    ["decimal IPv4", "https://2130706433/", /loopback/],
    ["hex IPv4", "https://0x7f000001/", /loopback/],
    ["octal IPv4", "https://0177.0.0.1/", /loopback/],
    ["short IPv4", "https://127.1/", /loopback/],
    ["dotted hex IPv4", "https://0xa9.0xfe.0xa9.0xfe/", /metadata/],
    [
      "a name resolving to a private address",
      "https://internal.acme.example/",
      /resolves to 10\.0\.0\.5, a private/,
    ],
    ["a name with one private address among public ones", "https://rebound.acme.example/", /10\.0\.0\.5/],
    ["a name resolving to an IPv6 private address", "https://v6-private.acme.example/", /private/],
    ["a name that does not resolve", "https://nowhere.acme.example/", /could not be resolved/],
  ])("refuses %s", async (_name, url, reason) => {
    expect(await refusal(url)).toMatch(reason);
  });

  it.each([
    ["another scheme", "ftp://hooks.acme.example/", /Only https/],
    ["file URLs", "file:///etc/passwd", /Only https/],
    ["plain http to a public host", "http://hooks.acme.example/", /Only https/],
    ["credentials in the URL", "https://user:pass@hooks.acme.example/", /credentials/],
    ["an invalid URL", "not a url", /not valid/],
  ])("refuses %s", async (_name, url, reason) => {
    expect(await refusal(url)).toMatch(reason);
  });

  it("names the host, never the path or query, which may hold a token", async () => {
    const message = await refusal("https://internal.acme.example/services/T0/B0/SECRETTOKEN?key=SECRET2");
    expect(message).not.toMatch(/SECRET/);
  });

  it("honours the development allow-list, by host and port", async () => {
    const allowed = await assertPublicUrl("http://127.0.0.1:4010/hook", {
      lookup,
      allowHosts: ["127.0.0.1:4010"],
    });
    expect(allowed.addresses).toEqual(["127.0.0.1"]);
    expect(await refusal("http://127.0.0.1:4011/hook", ["127.0.0.1:4010"])).toMatch(/Only https/);
    expect(await refusal("https://127.0.0.1:4011/hook", ["127.0.0.1:4010"])).toMatch(/loopback/);
    const byDefaultPort = await assertPublicUrl("https://localhost/hook", {
      lookup,
      allowHosts: ["localhost:443"],
    });
    expect(byDefaultPort.url.hostname).toBe("localhost");
  });
});
