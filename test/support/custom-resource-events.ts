/**
 * CloudFormation custom-resource events as CDK's provider framework hands them to an
 * `onEvent` handler, for the deploy-time functions (migrate-on-deploy,
 * api-gateway-account).
 */
import type {
  CdkCustomResourceEvent,
  CloudFormationCustomResourceResourcePropertiesCommon,
} from 'aws-lambda';

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface CustomResourceEventOptions<P> {
  resourceType: `Custom::${string}`;
  logicalResourceId: string;
  /** The physical id an Update or Delete names (what Create returned). */
  physicalResourceId: string;
  properties: P;
  /** The properties before an Update; default: `properties`. */
  oldProperties?: P;
}

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:parley-provider';

export function customResourceEvent<P extends Record<string, unknown>>(
  requestType: RequestType,
  options: CustomResourceEventOptions<P>,
): CdkCustomResourceEvent<P & CloudFormationCustomResourceResourcePropertiesCommon> {
  const withToken = (p: P) => ({ ...p, ServiceToken: SERVICE_TOKEN });
  const common = {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/parley/1',
    RequestId: `req-${requestType}`,
    LogicalResourceId: options.logicalResourceId,
    ResourceType: options.resourceType,
    ResourceProperties: withToken(options.properties),
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: options.physicalResourceId,
      OldResourceProperties: withToken(options.oldProperties ?? options.properties),
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: options.physicalResourceId };
}
