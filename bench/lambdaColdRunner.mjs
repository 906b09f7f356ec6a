// A cold start of the forecast Lambda's bundle, timed (for bench/lambdaColdBench.ts): a fresh
// process that Lambda's NODE_OPTIONS configure loads the bundle's module as the Node.js runtime
// does (module load: the module's own code, its clients made), then invokes its handler with one
// relevant order-state change (the first invocation, a cold Lambda's), then `warm` more times.
//
// Plain JavaScript on purpose: no TypeScript loader may stand between Node.js and the bundle.
// Usage: node lambdaColdRunner.mjs <bundle index.mjs> <asOf epoch ms> <warm invocations> <result.json>
//   result.json: { "startMs", "loadMs", "firstMs", "warmMs": [...] }
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Time from the process's start to here: Node.js itself and this small script.
const startMs = performance.now();
const [bundle, asOf, warm, resultFile] = process.argv.slice(2);

const loadStarted = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const loadMs = performance.now() - loadStarted;

// One change the forecast reads: an active order's new state (what the stream mapping delivers).
const event = {
  Records: [
    {
      eventID: '1',
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      awsRegion: process.env.AWS_REGION,
      dynamodb: {
        Keys: { orderId: { S: 'order-000001' } },
        OldImage: {
          orderId: { S: 'order-000001' },
          activeShard: { S: '0' },
          eta: { N: String(Number(asOf) - 1) },
        },
        NewImage: {
          orderId: { S: 'order-000001' },
          activeShard: { S: '0' },
          eta: { N: String(Number(asOf)) },
          updatedAt: { N: String(Number(asOf)) },
        },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    },
  ],
};
const context = (i) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:bench`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: `bench-${i}`,
  logGroupName: 'bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
});

const times = [];
for (let i = 0; i <= Number(warm); i++) {
  const started = performance.now();
  const result = await handler(event, context(i));
  times.push(performance.now() - started);
  if (result?.batchItemFailures?.length) throw new Error(`invocation ${i} failed: ${JSON.stringify(result)}`);
}
writeFileSync(resultFile, JSON.stringify({ startMs, loadMs, firstMs: times[0], warmMs: times.slice(1) }));
process.exit(0);
