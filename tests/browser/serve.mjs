// Drives `verbatim serve --code` in Debian's Chromium through playwright-core: search,
// filter by one theme then two, open a quote and its source, accept, reject and add
// codes and write a memo (and checks the CLI sees them), open a report cell's quotes,
// download its CSV, and open a theme's page. Run by .ci/serve-browser.sh:
// node serve.mjs VERBATIM_BINARY PROJECT_DIR; with SCREENSHOTS=DIR, saves screenshots.
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";

const [binary, project] = process.argv.slice(2);
const env = { ...process.env, VERBATIM_MODEL: "none" };
const server = spawn(binary, ["serve", "--code", "--port", "0"], {
  cwd: project, env, stdio: ["ignore", "pipe", "inherit"],
});
const address = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once("line", line => {
    const match = line.match(/serving (http:\/\/\S+)/);
    match ? resolve(match[1]) : reject(new Error("no address in " + line));
  });
  server.once("exit", code => reject(new Error("serve exited with " + code)));
});
const shots = process.env.SCREENSHOTS;
const fail = message => { console.error("browser test: " + message); process.exitCode = 1; };
const ok = message => console.log("browser test: " + message);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const shot = async file => { if (shots) await page.screenshot({ path: shots + "/" + file, fullPage: false }); };
  // Waits for the search `act` starts, and for the page to show its answer.
  const searched = async act => {
    const [response] = await Promise.all([
      page.waitForResponse(r => r.url().includes("/api/search")),
      act(),
    ]);
    const answer = await response.json();
    await page.waitForFunction(n => document.getElementById("summary").textContent === n + " quotes",
      answer.total);
    return answer.total + " quotes";
  };
  await searched(() => page.goto(address));
  await page.fill("#q", "tired OR exhausted");
  const total = await searched(() => page.press("#q", "Enter"));
  ok("search: " + total);
  if (!/^[1-9]\d* quotes$/.test(total)) fail("no quotes found: " + total);

  const filtered = await searched(() => page.click("#facet-theme button"));
  ok("filtered by a theme: " + filtered + " (" + new URL(page.url()).search + ")");
  if (!new URL(page.url()).search.includes("theme=")) fail("the URL lost the filter");
  if (Number.parseInt(filtered) > Number.parseInt(total)) fail("a filter widened the result");
  const either = await searched(() => page.click("#facet-theme button[aria-pressed=false]"));
  const themesChosen = new URL(page.url()).searchParams.getAll("theme");
  ok("a second theme of the same facet: " + either + " (" + themesChosen.join(" or ") + ")");
  if (themesChosen.length !== 2) fail("the URL does not keep both themes");
  if (Number.parseInt(either) < Number.parseInt(filtered)) fail("a second theme narrowed the result");
  await shot("search.png");

  const id = await page.textContent("#hits article .who a");
  await page.click("#hits article .who a");
  await page.waitForSelector("#quote h2");
  const shown = await page.textContent("#quote h2");
  ok("opened quote " + shown);
  if (shown !== id) fail("opened " + shown + " for " + id);
  const own = await page.textContent("#quote-text");
  const inSource = await page.textContent("#in-source");
  // The page shows Markdown emphasis as emphasis, the source as written.
  const bare = text => text.replace(/[*_]/g, "");
  if (bare(inSource) !== bare(own)) fail("the span marked in the source is not the quote: " + inSource);
  else ok("the quote is marked in its source");
  await shot("quote.png");

  const row = (theme, origin) => "#codes tr[data-theme='" + theme + "'][data-origin='" + origin + "']";
  const acceptable = page.locator("#codes tr", { has: page.getByRole("button", { name: "Accept" }) });
  const accepted = await acceptable.first().getAttribute("data-theme");
  await acceptable.first().getByRole("button", { name: "Accept" }).click();
  await page.waitForSelector(row(accepted, "manual"));
  ok("accepted " + accepted + " on " + id);
  const rejectable = page.locator("#codes tr", { has: page.getByRole("button", { name: "Reject" }) });
  let rejected = null;
  if (await rejectable.count() > 0) {
    rejected = await rejectable.first().getAttribute("data-theme");
    await rejectable.first().getByRole("button", { name: "Reject" }).click();
    await page.waitForSelector(row(rejected, "auto"), { state: "detached" });
    ok("rejected " + rejected + " on " + id);
  }
  const added = await page.locator("#add-theme option").last().getAttribute("value");
  await page.selectOption("#add-theme", added);
  await page.fill("#add-memo", "said in passing");
  await page.click("#add-code button");
  await page.waitForSelector(row(added, "manual"));
  ok("added " + added + " on " + id);
  await page.fill("#memo-text", "check the date she gives");
  await page.click("#add-note button");
  await page.waitForFunction(() => [...document.querySelectorAll("#memos li")]
    .some(li => li.textContent.startsWith("check the date she gives")));
  ok("wrote a memo on " + id);

  const cli = args => execFileSync(binary, args, { cwd: project, env })
    .toString().trim().split("\n").filter(Boolean).map(line => JSON.parse(line));
  const listed = cli(["coding", "list", "--json", "--quiet"]);
  const seen = (kind, t) => listed.some(d => d.kind === kind && d.theme === t && d.quotes.includes(id));
  if (!seen("code", accepted)) fail("the CLI does not list the accepted code");
  if (rejected && !seen("reject", rejected)) fail("the CLI does not list the rejection");
  if (!seen("code", added)) fail("the CLI does not list the added code");
  const memos = JSON.stringify(cli(["memo", "list", "--json", "--quiet"]));
  if (!memos.includes("check the date she gives")) fail("the CLI does not list the memo: " + memos);
  ok("the CLI lists " + listed.length + " decisions and the memo, the page's among them");

  await page.goto(new URL("/?view=report&by=area", address).href);
  await page.waitForSelector("table.heat");
  await shot("report.png");
  const cell = page.locator("table.heat td.cell button:not([disabled])").first();
  const label = await cell.getAttribute("aria-label");
  const count = Number.parseInt(await cell.textContent());
  await cell.click();
  await page.waitForSelector("#drill h3");
  const listedInCell = await page.locator("#drill article").count();
  ok("report cell " + label + ": " + listedInCell + " quotes listed");
  if (label.endsWith("(none): " + count)) ok("a cell of quotes without an area");
  else if (listedInCell !== Math.min(count, 50)) fail("the cell says " + count + " but lists " + listedInCell);
  const csvUrl = new URL(await page.getAttribute("#report-csv", "href"), address).href;
  const csv = await (await page.request.get(csvUrl)).text();
  if (!csv.startsWith("theme,name,")) fail("the report's CSV: " + csv.slice(0, 80));
  else ok("the report's table downloads as CSV (" + csv.trim().split("\n").length + " lines)");
  await shot("report-cell.png");

  await page.goto(new URL("/?view=themes", address).href);
  await page.click("#theme-list a");
  await page.waitForSelector("#view-theme h2");
  ok("theme page: " + await page.textContent("#view-theme h2") + ", "
    + await page.locator("#view-theme article").count() + " best quotes");
  await shot("theme.png");
} catch (error) {
  fail(error.stack || String(error));
} finally {
  await browser.close();
  server.kill();
}
