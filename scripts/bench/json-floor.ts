import { writeFileSync } from "node:fs";

/**
 * The JSON floor of the benchmark: a plain script that builds an object about as large as a
 * synth's output and writes it with one `JSON.stringify`, as cdktf writes its stacks.
 * Usage: node json-floor.js BYTES OUTFILE
 */
const bytes = Number(process.argv[2]);
const out = process.argv[3] ?? "floor.json";
const element = (i: number) => ({
  "//": { metadata: { path: `stack/element-${i}`, uniqueId: `element_${i}` } },
  name: `element-${i}`,
  value: `\${aws_iam_role.element_${i}.arn}`,
  tags: { ManagedBy: "floor", Index: String(i) },
});
// Sized from a sample, so the floor does no work beyond building and writing.
const sample = (n: number) =>
  JSON.stringify(
    {
      resource: {
        floor: Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`element_${i}`, element(i)]),
        ),
      },
    },
    null,
    2,
  ).length;
const count = Math.max(1, Math.round(bytes / ((sample(100) - sample(1)) / 99)));
const resource: Record<string, ReturnType<typeof element>> = {};
for (let i = 0; i < count; i++) resource[`element_${i}`] = element(i);
writeFileSync(out, JSON.stringify({ resource: { floor: resource } }, null, 2));
