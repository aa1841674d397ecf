// Prints {"file.tf": <parsed HCL as JSON>, ...} for every .tf file in the folder given (default ../../infra).
// Used by the structural Terraform tests (tests/PriceFeed.App.Tests/Infra).
import { parse } from "@cdktf/hcl2json";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const dir = resolve(process.argv[2] ?? join(import.meta.dirname, "../../infra"));
const out = {};
for (const name of (await readdir(dir)).filter((f) => f.endsWith(".tf")).sort()) {
  out[name] = await parse(name, await readFile(join(dir, name), "utf8"));
}
process.stdout.write(JSON.stringify(out));
