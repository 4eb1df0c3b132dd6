import { writeFileSync } from "node:fs";

/**
 * The JSON floor of the benchmark: a plain script that builds an object about as large as a
 * synth's output and writes it with `JSON.stringify`, as cdktf writes its stacks.
 * Usage: node json-floor.js BYTES OUTFILE
 */
const bytes = Number(process.argv[2]);
const out = process.argv[3] ?? "floor.json";
const resource: Record<string, Record<string, unknown>> = {};
let size = 0;
for (let i = 0; size < bytes; i++) {
  const body = {
    "//": { metadata: { path: `stack/element-${i}`, uniqueId: `element_${i}` } },
    name: `element-${i}`,
    value: `\${aws_iam_role.element_${i}.arn}`,
    tags: { ManagedBy: "floor", Index: String(i) },
  };
  resource[`element_${i}`] = body;
  size += JSON.stringify(body, null, 2).length + 20;
}
writeFileSync(out, JSON.stringify({ resource: { floor: resource } }, null, 2));
