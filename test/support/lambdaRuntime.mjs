// Runs one Lambda function's bundle as Lambda's Node.js runtime does (for test/integration/bundles.test.ts),
// in a process of its own: a cold start. The handler `_HANDLER` names ("index.handler": module `index`,
// export `handler`) is loaded once from LAMBDA_TASK_ROOT, trying `.js`, `.mjs` then `.cjs` as the
// runtime does, so its module-level code reads this process's environment; then it is called with each
// event in turn and a Lambda-shaped context, within the function's timeout.
//
// Plain JavaScript on purpose: no TypeScript loader may stand between Node.js and the bundle.
// Usage: node lambdaRuntime.mjs <invocations.json> <results.json>
//   invocations.json: { "timeoutSeconds": 10, "invokedFunctionArn": "…", "invocations": [{ "requestId", "event" }] }
//   results.json:     { "init": { "ok": true } | { "ok": false, "error" }, "results": [{ "ok", "value" | "error" }] }
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [inputFile, outputFile] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputFile, 'utf8'));

/** An error as Lambda reports it. */
function reported(error) {
  return {
    errorType: error?.name ?? typeof error,
    errorMessage: error?.message ?? String(error),
    stack: typeof error?.stack === 'string' ? error.stack.split('\n') : [],
  };
}

function runtimeError(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The handler `_HANDLER` names, loaded from the task root. */
async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT;
  const name = process.env._HANDLER ?? '';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) throw runtimeError('Runtime.MalformedHandlerName', `Bad handler ${name}`);
  const modulePath = name.slice(0, dot);
  const exportName = name.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => join(root, modulePath + ext)).find(existsSync);
  if (file === undefined)
    throw runtimeError('Runtime.ImportModuleError', `Cannot find module '${modulePath}'`);
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw runtimeError('Runtime.HandlerNotFound', `${modulePath}.${exportName} is undefined or not exported`);
  }
  return handler;
}

/** The context object the runtime hands to a handler. */
function contextFor(requestId, deadline) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: input.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

const output = { init: { ok: true }, results: [] };
let handler;
try {
  handler = await loadHandler();
} catch (error) {
  output.init = { ok: false, error: reported(error) };
}
if (handler) {
  for (const { requestId, event } of input.invocations) {
    // Lambda sets the trace header per invocation (the function is traced).
    const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    process.env._X_AMZN_TRACE_ID = `Root=${traceId};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
    const deadline = Date.now() + input.timeoutSeconds * 1000;
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(runtimeError('Sandbox.Timedout', `Task timed out after ${input.timeoutSeconds} seconds`)),
        input.timeoutSeconds * 1000,
      );
    });
    try {
      const value = await Promise.race([handler(event, contextFor(requestId, deadline)), timeout]);
      // The runtime sends the result as JSON.
      output.results.push({
        ok: true,
        value: value === undefined ? null : JSON.parse(JSON.stringify(value)),
      });
    } catch (error) {
      output.results.push({ ok: false, error: reported(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
writeFileSync(outputFile, JSON.stringify(output));
// Lambda freezes the process between invocations; here the container's life ends.
process.exit(0);
