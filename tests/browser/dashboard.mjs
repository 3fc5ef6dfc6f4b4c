// Drives dyad's dashboard in headless Chromium: it loads, a search filters the events, the
// article view highlights spans, and a hostile article runs no script. Written by the dyad
// project. Usage: node dashboard.mjs URL SCREENSHOT.png   (CHROMIUM=/path/to/chromium)
import { chromium } from "playwright-core";

const [url, shot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
const problems = [];
page.on("dialog", async (d) => { problems.push(`a dialog opened: ${d.message()}`); await d.dismiss(); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
const check = (ok, what) => { if (!ok) problems.push(what); };

await page.goto(url);
await page.waitForSelector("#events tbody tr", { timeout: 15000 });
const all = await page.locator("#events tbody tr").count();
check(all > 5, `only ${all} event rows on load`);
check((await page.locator("#map circle").count()) > 0, "no event on the map");
check((await page.locator("#map path").count()) > 100, "no country outlines");
check((await page.locator("#timeline rect").count()) > 0, "no timeline bars");
check((await page.locator("#network line").count()) > 0, "no dyad network");

// A search filters the events.
await page.fill("#f-actor", "GUY");
await page.click("#f-go");
await page.waitForFunction(() => document.querySelector("#events-count").textContent.includes("of") &&
  [...document.querySelectorAll("#events tbody tr")].every((tr) => tr.textContent.includes("GUY")));
const guy = await page.locator("#events tbody tr").count();
check(guy > 0 && guy < all, `the actor filter left ${guy} of ${all} rows`);

// The article view highlights actors, verbs and places.
await page.locator("#events tbody tr").first().click();
await page.waitForSelector("#article-panel:not([hidden]) #article-text mark");
for (const cls of ["actor", "verb", "place"]) {
  check((await page.locator(`#article-text mark.${cls}`).count()) > 0, `no ${cls} highlighted`);
}
check((await page.locator("#article-text mark.focus").count()) > 0, "the clicked event is not marked");
check((await page.locator("#article-events li .why").count()) > 0, "no explanation of events");

// The hostile article: its markup is text, nothing runs.
await page.fill("#f-actor", "");
await page.fill("#f-text", "Kharkiv");
await page.click("#f-go");
await page.waitForFunction(() => [...document.querySelectorAll("#events tbody tr")].some((tr) => tr.textContent.includes("hostile")));
await page.locator("#events tbody tr", { hasText: "hostile" }).first().click();
await page.waitForFunction(() => document.querySelector("#article-text").textContent.includes("<script>"));
const shown = await page.locator("#article-text").textContent();
check(shown.includes("<script>alert(1)</script>"), "the hostile markup is not shown as text");
check((await page.locator("#article-text script, #article-text a, #article-text img, #article-text b").count()) === 0,
  "hostile markup became elements");
check((await page.locator("#article-title").textContent()).includes("<img"), "the hostile title is not text");
check((await page.locator("img").count()) === 0, "an image element appeared");
await page.waitForTimeout(300);

await page.screenshot({ path: shot, fullPage: true });
await browser.close();
console.log(JSON.stringify({ rows: all, filtered: guy, problems }));
process.exit(problems.length ? 1 : 0);
