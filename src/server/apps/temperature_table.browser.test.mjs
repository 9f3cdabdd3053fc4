// The temperature_table app in a real browser: headless Chromium opens the local host page
// (scripts/app-host/), which calls the tool on this Worker under `wrangler dev`, reads its ui://
// resource and shows it in a sandboxed iframe through the ext-apps AppBridge. Checks what the view
// shows, that its own tool calls go through the host to the Worker and back, that it cannot reach
// the network itself, and takes screenshots at desktop and phone widths.
//
// Run with `npm run test:app` (CI runs it after `npm test`): every src/server/apps/*.browser.test.mjs,
// so it goes with the example. Needs Chromium: /usr/bin/chromium (Debian: apt-get install
// chromium) or CHROMIUM_PATH.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { startHost } from "../../../scripts/app-host.mjs";
import { root, startWranglerDev } from "../../../scripts/lib/wrangler-dev.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = join(root, "test", "browser", "screenshots");
const TIMEOUT = 20_000;

let worker;
let host;
let browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  worker = await startWranglerDev({ vars: { MCP_AUTH: "none" } });
  host = await startHost({ port: 0, worker: worker.origin });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await host?.close();
  await worker?.stop();
});

/** Opens the host page for one call and waits until the view has drawn its table. */
async function openView(viewport, args, theme = "light") {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const query = new URLSearchParams({ tool: "temperature_table", args: JSON.stringify(args), theme });
  await page.goto(`${host.url}?${query}`);
  await page.waitForFunction(() => window.mcpHost?.ready || window.mcpHost?.error, null, { timeout: TIMEOUT });
  const hostError = await page.evaluate(() => window.mcpHost.error);
  assert.equal(hostError, undefined, `host failed: ${hostError}`);
  const frame = page.frameLocator("iframe");
  await frame.locator("#rows tr").first().waitFor({ timeout: TIMEOUT });
  return { page, frame, errors };
}

const cells = (frame) =>
  frame.locator("#rows tr").evaluateAll((rows) => rows.map((r) => [...r.children].map((td) => td.textContent)));

describe("temperature_table view in a host", () => {
  test("opens, with no query, on a working call made from the tool's schema (npm run app:host)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(host.url);
    await page.waitForFunction(() => window.mcpHost?.ready || window.mcpHost?.error, null, { timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => window.mcpHost.error), undefined);
    assert.equal(
      await page.locator("#call").textContent(),
      'temperature_table({"start":0,"end":100,"unit":"celsius"})',
    );
    assert.match(await page.locator("#text").textContent(), /^From 0 to 100 °C:/);
    const frame = page.frameLocator("iframe");
    await frame.locator("#rows tr").first().waitFor({ timeout: TIMEOUT });
    const rows = await cells(frame);
    assert.deepEqual(
      [rows[0], rows.at(-1)],
      [
        ["0", "32", "273.15"],
        ["100", "212", "373.15"],
      ],
    );
    await page.close();
  });

  test("shows the tool result the host passed it", async () => {
    const { page, frame, errors } = await openView(
      { width: 1280, height: 900 },
      { start: 0, end: 100, unit: "celsius" },
    );
    const rows = await cells(frame);
    assert.equal(rows.length, 11);
    assert.deepEqual(rows[0], ["0", "32", "273.15"]);
    assert.deepEqual(rows[10], ["100", "212", "373.15"]);
    assert.equal(await frame.locator("#start").inputValue(), "0");
    assert.equal(await frame.locator('.units button[aria-pressed="true"]').textContent(), "°C");
    assert.equal(await frame.locator("svg polyline").count(), 3);
    assert.match(await frame.locator("#status").textContent(), /11 rows, 0 to 100 °C/);
    // The host asked the server once (the model's call); the view has not called anything yet.
    assert.deepEqual(await page.evaluate(() => window.mcpHost.toolCalls), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("calls the tool back through the host to change unit and range", async () => {
    const { page, frame } = await openView({ width: 1280, height: 900 }, { start: 0, end: 100, unit: "celsius" });

    // Switching to °F asks the server for the same range in Fahrenheit.
    await frame.locator('.units button[data-unit="fahrenheit"]').click();
    await frame.locator("#status", { hasText: "32 to 212 °F" }).waitFor({ timeout: TIMEOUT });
    const fahrenheit = await cells(frame);
    assert.deepEqual(fahrenheit[0], ["0", "32", "273.15"]);
    assert.deepEqual(fahrenheit.at(-1), ["100", "212", "373.15"]);
    assert.equal(await frame.locator("td.base").first().textContent(), "32");

    // A new range from the form.
    await frame.locator("#start").fill("-40");
    await frame.locator("#end").fill("40");
    await frame.locator("#show").click();
    await frame.locator("#status", { hasText: "-40 to 40 °F" }).waitFor({ timeout: TIMEOUT });
    const range = await cells(frame);
    assert.deepEqual(range[0], ["-40", "-40", "233.15"]);

    // Both went through the host to the Worker: the host's record of the view's requests.
    const calls = await page.evaluate(() => window.mcpHost.toolCalls);
    assert.deepEqual(calls, [
      { name: "temperature_table", arguments: { start: 32, end: 212, unit: "fahrenheit" }, isError: false },
      { name: "temperature_table", arguments: { start: -40, end: 40, unit: "fahrenheit" }, isError: false },
    ]);
    await page.close();
  });

  test("shows the server's error for a range below absolute zero", async () => {
    const { page, frame } = await openView({ width: 1280, height: 900 }, { start: 0, end: 10, unit: "kelvin" });
    await frame.locator("#start").fill("-500");
    await frame.locator("#start").press("Enter");
    await frame.locator("#status.error").waitFor({ timeout: TIMEOUT });
    assert.match(await frame.locator("#status").textContent(), /absolute zero/);
    assert.equal((await cells(frame)).length, 11, "the last good table stays");
    await page.close();
  });

  test("cannot reach the network itself", async () => {
    const { page } = await openView({ width: 800, height: 600 }, { start: 0, end: 10, unit: "celsius" });
    const view = page.frames().find((f) => f !== page.mainFrame());
    // no-cors: without a CSP this would resolve (an opaque response); only the policy stops it.
    const outcome = await view.evaluate(async (url) => {
      const violations = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
      let result;
      try {
        await fetch(url, { mode: "no-cors" });
        result = "reached";
      } catch (error) {
        result = `blocked: ${error.name}`;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { result, violations };
    }, `${worker.origin}/`);
    assert.match(outcome.result, /^blocked/);
    assert.ok(outcome.violations.includes("connect-src"), `violations: ${outcome.violations}`);
    // An opaque origin: nothing of the host page is reachable either.
    const origin = await view.evaluate(() => origin);
    assert.equal(origin, "null");
    await page.close();
  });

  for (const [name, viewport, theme] of [
    ["desktop", { width: 1280, height: 900 }, "light"],
    ["phone", { width: 390, height: 844 }, "dark"],
  ]) {
    test(`screenshot at ${name} width (${viewport.width} px, ${theme})`, async () => {
      const { page, frame } = await openView(viewport, { start: -20, end: 40, unit: "celsius", steps: 7 }, theme);
      // The view fits its frame: nothing wider than the viewport, and the host sized the frame.
      const overflow = await frame
        .locator("body")
        .evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the view is ${overflow}px wider than its frame`);
      const box = await page.locator("iframe").boundingBox();
      assert.ok(box.width <= viewport.width && box.height > 300, `frame is ${box.width}×${box.height}`);
      // The view follows the host's theme.
      assert.equal(await frame.locator("html").getAttribute("data-theme"), theme);

      const shot = await page.locator("#view").screenshot();
      writeFileSync(join(SCREENSHOTS, `temperature_table-${name}.png`), shot);
      const { width, height } = pngSize(shot);
      assert.ok(Math.abs(width - box.width) < 40 && height > box.height, `screenshot is ${width}×${height}`);
      // A drawn view compresses far worse than an empty one (a blank frame of this size is < 10 KB).
      assert.ok(shot.length > 20_000, `screenshot is only ${shot.length} bytes: blank?`);
      await page.close();
    });
  }
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png) {
  assert.equal(png.toString("ascii", 12, 16), "IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
