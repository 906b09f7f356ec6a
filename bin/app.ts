// The CDK app (`npx cdk synth|deploy`, run by cdk.json through tsx): the twin's one stack,
// environment-agnostic (synth needs no AWS account), checked by cdk-nag's AwsSolutions rules.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { twinStackPropsFromContext } from '../lib/stackContext.ts';
import { TWIN_STACK_NAME, TwinStack } from '../lib/TwinStack.ts';

const app = new App();
new TwinStack(app, TWIN_STACK_NAME, twinStackPropsFromContext(app.node));
// A finding that is not acknowledged (with its reason, next to the resource) fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
