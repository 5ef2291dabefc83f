/**
 * CDK entry point (`cdk.json` runs it with tsx). Settings come from context: see docs/deploy.md.
 */
import { buildVerityApp } from '../lib/cloud/app.ts';

buildVerityApp().app.synth();
