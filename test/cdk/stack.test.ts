/**
 * The CDK app synthesizes (offline, no credentials) with one function per route of the
 * shared route table and the JWT authorizer on $connect. Bundling is skipped here; the
 * real `cdk synth` in CI bundles every function with the local esbuild.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ENTRIES } from '../../functions/route-table.js';
import { ParleyStack } from '../../lib/parley-stack.js';

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new ParleyStack(app, 'Test', { stageName: 'test' }));
});

describe('ParleyStack', () => {
  it('has a WebSocket API routing on the action field, with every route of the table', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );
    expect(routes.sort()).toEqual(Object.keys(ROUTE_ENTRIES).sort());
  });

  it('authorizes $connect with a REQUEST authorizer on the token query parameter', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
    });
  });

  it('runs every function on Node.js 22, arm64', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const ours = Object.values(functions).filter(
      (f) => (f as { Properties: { Handler?: string } }).Properties.Handler === 'index.handler',
    );
    expect(ours).toHaveLength(Object.keys(ROUTE_ENTRIES).length + 1);
    for (const f of ours) {
      expect(f).toMatchObject({ Properties: { Runtime: 'nodejs22.x', Architectures: ['arm64'] } });
    }
  });

  it('keeps connections in an on-demand table with TTL and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });
});
