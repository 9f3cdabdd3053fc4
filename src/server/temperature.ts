import { TEMPERATURE_UNITS } from "./session.js";

/** The example temperature tools' arithmetic: convert_temperature and the temperature_table app. */
export type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];
export { TEMPERATURE_UNITS };

const toKelvin: Record<TemperatureUnit, (v: number) => number> = {
  celsius: (c) => c + 273.15,
  fahrenheit: (f) => ((f - 32) * 5) / 9 + 273.15,
  kelvin: (k) => k,
};
const fromKelvin: Record<TemperatureUnit, (k: number) => number> = {
  celsius: (k) => k - 273.15,
  fahrenheit: (k) => ((k - 273.15) * 9) / 5 + 32,
  kelvin: (k) => k,
};
export const TEMPERATURE_SYMBOL: Record<TemperatureUnit, string> = { celsius: "°C", fahrenheit: "°F", kelvin: "K" };

/** `value` in `from` as kelvin (possibly negative: callers decide what below absolute zero means). */
export function kelvinOf(value: number, from: TemperatureUnit): number {
  return toKelvin[from](value);
}

/** A temperature in kelvin expressed in `to`, rounded to 2 decimals. */
export function fromKelvinRounded(kelvin: number, to: TemperatureUnit): number {
  return Math.round(fromKelvin[to](kelvin) * 100) / 100;
}
