import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_KINDS, type McpClient } from "../../../test/helpers/clients.js";
import { BASE } from "../../../test/helpers/worker.js";

// ./convert_temperature.ts, through the SDK clients of both protocol eras. Delete both together.

describe.each(CLIENT_KINDS)("convert_temperature, $label", (kind) => {
  let client: McpClient;
  beforeEach(async () => {
    client = await kind.connect();
  });
  afterEach(async () => {
    await client.close();
  });

  it("is listed with its schemas and annotations", async () => {
    const convert = (await client.listTools()).tools.find((t) => t.name === "convert_temperature")!;
    expect(convert.inputSchema.properties?.value).toMatchObject({ type: "number", description: expect.any(String) });
    expect(convert.outputSchema?.properties).toHaveProperty("value");
    expect(convert.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("returns text and structured content", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: 100, from: "celsius", to: "fahrenheit" },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ value: 212, unit: "fahrenheit", text: "100 °C = 212 °F" });
  });

  it("refuses temperatures below absolute zero as a tool error", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: -300, from: "celsius", to: "kelvin" },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("absolute zero");
  });

  it("refuses a result too large to represent instead of failing its output schema", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: 1e308, from: "celsius", to: "fahrenheit" },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("too large to convert");
  });

  it("reports invalid arguments as a tool error", async () => {
    const bad = await client.callTool({
      name: "convert_temperature",
      arguments: { value: "hot", from: "celsius", to: "kelvin" },
    });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("Input validation error");
  });

  it("without `to`, answers in the session's temperatureUnit (celsius by default)", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: 212, from: "fahrenheit" },
    });
    expect(result.structuredContent).toMatchObject({ value: 100, unit: "celsius" });
  });
});

describe.each(CLIENT_KINDS)("convert_temperature with ?temperatureUnit=fahrenheit, $label", (kind) => {
  it("answers in that unit when the call names none; an explicit unit still wins", async () => {
    const client = await kind.connect({ url: `${BASE}/mcp?temperatureUnit=fahrenheit` });
    const { tools } = await client.listTools();
    expect(
      (tools.find((t) => t.name === "convert_temperature")!.inputSchema as { required?: string[] }).required,
    ).toEqual(["value", "from"]);
    const result = await client.callTool({ name: "convert_temperature", arguments: { value: 100, from: "celsius" } });
    expect(result.structuredContent).toEqual({ value: 212, unit: "fahrenheit", text: "100 °C = 212 °F" });
    const kelvin = await client.callTool({
      name: "convert_temperature",
      arguments: { value: 0, from: "celsius", to: "kelvin" },
    });
    expect(kelvin.structuredContent).toMatchObject({ value: 273.15, unit: "kelvin" });
    await client.close();
  });
});
