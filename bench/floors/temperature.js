// The one tool every reference floor serves: the same name, schemas and answer as the template's
// src/server/tools/convert_temperature.ts (what the bench calls, bench/config.mjs), kept to what a
// bare Worker needs. Shared by the 1.x and 2.x floors, which hand the same Zod objects to their SDK.
import * as z from "zod";

const UNITS = ["celsius", "fahrenheit", "kelvin"];
const SYMBOL = { celsius: "°C", fahrenheit: "°F", kelvin: "K" };
const toKelvin = { celsius: (c) => c + 273.15, fahrenheit: (f) => ((f - 32) * 5) / 9 + 273.15, kelvin: (k) => k };
const fromKelvin = { celsius: (k) => k - 273.15, fahrenheit: (k) => ((k - 273.15) * 9) / 5 + 32, kelvin: (k) => k };

export const name = "convert_temperature";

export const config = {
  title: "Convert temperature",
  description: "Convert a temperature between Celsius, Fahrenheit and Kelvin.",
  inputSchema: z.object({
    value: z.number().describe("The temperature to convert"),
    from: z.enum(UNITS).describe("Unit of `value`"),
    to: z.enum(UNITS).optional().describe("Unit to convert to (default: celsius)"),
  }),
  outputSchema: z.object({
    value: z.number().describe("The converted temperature, rounded to 2 decimals"),
    unit: z.enum(UNITS),
    text: z.string().describe("Human-readable result, e.g. 100 °C = 212 °F"),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
};

export function handler({ value, from, to = "celsius" }) {
  const kelvin = toKelvin[from](value);
  if (kelvin < 0) return failure(`${value} ${SYMBOL[from]} is below absolute zero.`);
  const result = Math.round(fromKelvin[to](kelvin) * 100) / 100;
  if (!Number.isFinite(result)) return failure(`${value} ${SYMBOL[from]} is too large to convert.`);
  const text = `${value} ${SYMBOL[from]} = ${result} ${SYMBOL[to]}`;
  return { content: [{ type: "text", text }], structuredContent: { value: result, unit: to, text } };
}

function failure(text) {
  return { content: [{ type: "text", text }], isError: true };
}
