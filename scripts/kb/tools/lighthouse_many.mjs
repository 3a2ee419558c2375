// Lighthouse on several pages in one Chromium: kb.tools.lighthouse.audit_many runs this
// with Node, so a test of nine pages starts Node, Lighthouse and the browser once, not nine
// times. The same audit as the `lighthouse` command with its defaults (the mobile preset).
// Arguments: the Chromium binary, the report folder, the categories (comma-separated),
// the Chromium flags (space-separated), then the addresses. Each report is written to
// <folder>/<n>.json, n counting the addresses from 0; a failed audit leaves <n>.error.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [chromePath, folder, categories, flags, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: flags.split(" ").filter(Boolean) });
try {
  for (const [number, url] of urls.entries()) {
    try {
      const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error",
                                             onlyCategories: categories.split(",") });
      const runtime = result && result.lhr.runtimeError;
      if (!result || runtime) {
        writeFileSync(join(folder, `${number}.error`), runtime ? `${runtime.code}: ${runtime.message}` : "no report");
      } else {
        writeFileSync(join(folder, `${number}.json`), result.report);
      }
    } catch (error) {
      writeFileSync(join(folder, `${number}.error`), String(error && error.message || error));
    }
  }
} finally {
  await chrome.kill();
}
