// Builds the twin's CDK app as `cdk synth` would (cdk.json's context and feature flags, context from
// the same parser as bin/app.ts), with esbuild skipped so that a template test takes seconds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type IResolvable, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { twinStackPropsFromContext } from '../../lib/stackContext.ts';
import { TWIN_STACK_NAME, TwinStack } from '../../lib/TwinStack.ts';

/** The repository's cdk.json, as the CDK CLI reads it. */
export const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

// Each App writes its cloud assembly somewhere: under one folder per test file, removed after it.
const assemblies = mkdtempSync(join(tmpdir(), 'twin-cdk-test-'));
afterAll(() => rmSync(assemblies, { recursive: true, force: true }));

export interface TwinApp {
  app: App;
  stack: TwinStack;
  template: Template;
  /** The value `token` has in the template (a Ref, a GetAtt, a Join…). */
  resolve(token: unknown): unknown;
  /** The logical id of a construct's CloudFormation resource. */
  logicalId(element: CfnElement): string;
}

/** The twin's app with `context` on top of cdk.json's; bundling skipped unless `bundle` is set. */
export function twinApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): TwinApp {
  const app = new App({
    outdir: mkdtempSync(join(assemblies, 'app-')),
    context: {
      ...cdkJson.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  const stack = new TwinStack(app, TWIN_STACK_NAME, twinStackPropsFromContext(app.node));
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    resolve: (token) => Stack.of(stack).resolve(token as IResolvable),
    logicalId: (element) => stack.getLogicalId(element),
  };
}
