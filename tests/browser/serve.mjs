// Drives `verbatim serve --code` in Debian's Chromium through playwright-core: search,
// filter by a facet, open a quote, accept and reject codes, and checks the CLI sees the
// decisions. Run by .ci/serve-browser.sh: node serve.mjs VERBATIM_BINARY PROJECT_DIR
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
const fail = message => { console.error("browser test: " + message); process.exitCode = 1; };
const ok = message => console.log("browser test: " + message);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.on("dialog", dialog => dialog.accept());
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

  const id = await page.textContent("#hits article .who a");
  await page.click("#hits article .who a");
  await page.waitForSelector("#quote h2");
  const shown = await page.textContent("#quote h2");
  ok("opened quote " + shown);
  if (shown !== id) fail("opened " + shown + " for " + id);

  const theme = async nth => (await page.locator("#quote li").nth(nth).textContent()).split(" ")[0];
  const accepted = await theme(0);
  await page.locator("#quote li").nth(0).getByRole("button", { name: "Accept" }).click();
  await page.waitForFunction(t => [...document.querySelectorAll("#quote li")]
    .some(li => li.textContent.startsWith(t + " (manual")), accepted);
  ok("accepted " + accepted + " on " + id);
  const rejectable = page.locator("#quote li", { has: page.getByRole("button", { name: "Reject" }) });
  let rejected = null;
  if (await rejectable.count() > 0) {
    rejected = (await rejectable.first().textContent()).split(" ")[0];
    await rejectable.first().getByRole("button", { name: "Reject" }).click();
    await page.waitForFunction(t => ![...document.querySelectorAll("#quote li")]
      .some(li => li.textContent.startsWith(t + " (")), rejected);
    ok("rejected " + rejected + " on " + id);
  }
  const listed = execFileSync(binary, ["coding", "list", "--json", "--quiet"], { cwd: project, env })
    .toString().trim().split("\n").filter(Boolean).map(line => JSON.parse(line));
  const seen = (kind, t) => listed.some(d => d.kind === kind && d.theme === t && d.quotes.includes(id));
  if (!seen("code", accepted)) fail("the CLI does not list the accepted code");
  if (rejected && !seen("reject", rejected)) fail("the CLI does not list the rejection");
  ok("the CLI lists " + listed.length + " decisions, the page's among them");
} catch (error) {
  fail(error.stack || String(error));
} finally {
  await browser.close();
  server.kill();
}
