// Runs an ONNX model with ONNX Runtime (onnxruntime-node) and times it:
//
//   node ort_bench.js MODEL.onnx INPUT.bin DIMS THREADS RUNS WARMUP OUTPUT.bin
//
// INPUT.bin holds float32 values of shape DIMS (comma-separated); the first
// input and output of the model are used. Prints one JSON line with the
// per-run milliseconds; writes the last output to OUTPUT.bin.
"use strict";
const fs = require("fs");
const path = require("path");
const ort = require(path.join(__dirname, ".node", "node_modules", "onnxruntime-node"));

async function main() {
  const [model, inputPath, dims, threads, runs, warmup, outputPath] = process.argv.slice(2);
  if (!outputPath) {
    console.error("usage: node ort_bench.js MODEL.onnx INPUT.bin DIMS THREADS RUNS WARMUP OUTPUT.bin");
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const bytes = fs.readFileSync(inputPath);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const shape = dims.split(",").map(Number);
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, shape) };
  const times = [];
  let result;
  for (let r = 0; r < Number(warmup) + Number(runs); ++r) {
    const start = process.hrtime.bigint();
    result = await session.run(feeds);
    const stop = process.hrtime.bigint();
    if (r >= Number(warmup)) times.push(Number(stop - start) / 1e6);
  }
  const output = result[session.outputNames[0]].data;
  fs.writeFileSync(outputPath, Buffer.from(output.buffer, output.byteOffset, output.byteLength));
  console.log(JSON.stringify({ times_ms: times }));
}

main().catch((error) => {
  console.error(`ort_bench: ${error.message || error}`);
  process.exit(1);
});
