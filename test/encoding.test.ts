import { afterEach, describe, expect, it, vi } from "vitest";
import { base64, base64url, fromBase64url, hex, sameSecret, sha256 } from "../src/template/encoding.js";

afterEach(() => vi.restoreAllMocks());

const bytes = (...values: number[]) => new Uint8Array(values);

describe("base64 and base64url (RFC 4648)", () => {
  it("encodes the RFC's test vectors, padded in base64 and unpadded in base64url", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [text, encoded] of vectors) {
      expect(base64(text), text).toBe(encoded);
      expect(base64url(text), text).toBe(encoded.replace(/=+$/, ""));
    }
  });

  it("uses - and _ where base64 has + and /", () => {
    expect(base64(bytes(0xfb, 0xff, 0xbf))).toBe("+/+/");
    expect(base64url(bytes(0xfb, 0xff, 0xbf))).toBe("-_-_");
    expect(base64(bytes(0xfb, 0xff))).toBe("+/8=");
    expect(base64url(bytes(0xfb, 0xff))).toBe("-_8");
  });

  it("encodes text as UTF-8", () => {
    expect(base64("é")).toBe("w6k=");
    expect(base64url("✓ ok")).toBe("4pyTIG9r");
  });

  it("encodes large inputs (no argument spread that overflows the stack)", () => {
    const large = new Uint8Array(300_000).fill(0xfb);
    const encoded = base64url(large);
    expect(encoded).toHaveLength(400_000);
    expect(fromBase64url(encoded)).toEqual(large);
  });

  it("decodes what it encodes, and refuses anything that is not unpadded base64url", () => {
    for (const sample of [bytes(), bytes(0), bytes(0xfb, 0xff), bytes(1, 2, 3, 4, 5)]) {
      expect(fromBase64url(base64url(sample))).toEqual(sample);
    }
    for (const bad of ["+/8", "Zg==", "a b", "Zm9v!", "Z"]) expect(() => fromBase64url(bad), bad).toThrow();
  });

  it("has one spelling per bytes: the last character's spare bits must be zero", () => {
    // "Zg" is "f"; "Zh".."Zj" differ only in bits a lenient decoder (atob) drops.
    expect(fromBase64url("Zg")).toEqual(bytes(0x66));
    for (const alias of ["Zh", "Zi", "Zj", "Zm9"]) expect(() => fromBase64url(alias), alias).toThrow("canonical");
  });
});

describe("hex", () => {
  it("is lower case, two digits a byte", () => {
    expect(hex(bytes())).toBe("");
    expect(hex(bytes(0, 15, 16, 171, 255))).toBe("000f10abff");
  });
});

describe("sha256", () => {
  it("matches the FIPS 180-2 vectors, for text (UTF-8) and bytes alike", async () => {
    expect(hex(await sha256(""))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(await sha256("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256(bytes(0x61, 0x62, 0x63))).toEqual(await sha256("abc"));
    expect(base64(await sha256("abc"))).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });

  it("gives the PKCE S256 challenge of RFC 7636, appendix B", async () => {
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    expect(base64url(await sha256(verifier))).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
});

describe("sameSecret", () => {
  it("is true only for the same string", async () => {
    expect(await sameSecret("correct horse", "correct horse")).toBe(true);
    expect(await sameSecret("", "")).toBe(true);
    expect(await sameSecret("correct horse", "correct horsf")).toBe(false);
    expect(await sameSecret("correct horse", "Correct horse")).toBe(false);
    // Composed and decomposed é look alike but are different secrets.
    expect(await sameSecret("\u00e9", "e\u0301")).toBe(false);
  });

  it("answers strings of different lengths (where the runtime's comparison throws) with false", async () => {
    expect(() => crypto.subtle.timingSafeEqual(bytes(1), bytes(1, 2))).toThrow();
    expect(await sameSecret("secret", "secret and more")).toBe(false);
    expect(await sameSecret("", "x")).toBe(false);
    expect(await sameSecret("x".repeat(10_000), "x")).toBe(false);
  });

  it("compares with the runtime's timing-safe comparison, always over two 32-byte hashes", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
    await sameSecret("short", "a much longer secret than the other");
    await sameSecret("same", "same");
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [a, b] of compare.mock.calls) {
      expect(ArrayBuffer.isView(a) ? a.byteLength : (a as ArrayBuffer).byteLength).toBe(32);
      expect(ArrayBuffer.isView(b) ? b.byteLength : (b as ArrayBuffer).byteLength).toBe(32);
    }
  });
});
