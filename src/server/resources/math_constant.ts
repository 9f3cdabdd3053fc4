import { defineResource, ResourceNotFoundError } from "../../template/api.js";

const constants: Record<string, { value: number; about: string }> = {
  pi: { value: Math.PI, about: "ratio of a circle's circumference to its diameter" },
  tau: { value: 2 * Math.PI, about: "ratio of a circle's circumference to its radius" },
  e: { value: Math.E, about: "base of the natural logarithm" },
  phi: { value: (1 + Math.sqrt(5)) / 2, about: "the golden ratio" },
  sqrt2: { value: Math.SQRT2, about: "square root of 2" },
};

/** A resource template: one URI pattern, many documents, with completion for its variable. */
export default defineResource({
  name: "math_constant",
  uri: "math://constants/{name}",
  title: "Mathematical constant",
  description: `The value of a named constant: ${Object.keys(constants).join(", ")}.`,
  mimeType: "text/plain",
  // Constants are constant: clients may keep them for a day.
  cache: { ttlMs: 24 * 60 * 60_000 },
  complete: {
    name: (prefix) => Object.keys(constants).filter((n) => n.startsWith(prefix)),
  },
  read(uri, { name }) {
    // Own keys only: "constructor" or "__proto__" must not read Object.prototype.
    const constant = name && Object.hasOwn(constants, name) ? constants[name] : undefined;
    if (!constant) {
      // -32602 with the URI in `data`, as the protocol says for a resource that does not exist.
      throw new ResourceNotFoundError(
        uri.href,
        `Unknown constant "${name}". Known: ${Object.keys(constants).join(", ")}.`,
      );
    }
    return {
      contents: [{ uri: uri.href, mimeType: "text/plain", text: `${name} = ${constant.value} (${constant.about})` }],
    };
  },
});
