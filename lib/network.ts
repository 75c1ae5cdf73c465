/**
 * The VPC: two AZs (RDS and ElastiCache need subnets in two), Lambda in private subnets,
 * RDS and ElastiCache in isolated ones, DynamoDB and S3 through free gateway endpoints.
 *
 * The functions' way out (the Management API is public-only, see docs/deploy.md) depends on
 * the profile:
 * - NAT gateways (`natGateways` 1 or 2), in public subnets: IPv4, ~$33 a month each;
 * - none (`natGateways` 0, the lean profile): the VPC is dual-stack and the private subnets
 *   route `::/0` to an egress-only internet gateway, which has no hourly charge; the
 *   functions there reach the Management API (a dual-stack WebSocket API), Secrets Manager
 *   and SQS over IPv6 (docs/decisions/2026-12-07-profiles.md).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  IpProtocol,
  type SubnetConfiguration,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  natGateways: number;
  logRetention: RetentionDays;
}

export class Network extends Construct {
  readonly vpc: Vpc;
  /** True when the functions' only way out is IPv6 (no NAT). */
  readonly ipv6Egress: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.ipv6Egress = props.natGateways === 0;
    const subnets: SubnetConfiguration[] = [
      { name: 'app', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      { name: 'data', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ];
    // Public subnets hold the NAT gateways; without NAT nothing would use them.
    if (!this.ipv6Egress) {
      subnets.unshift({ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 });
    }
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      // An internet gateway would take traffic in as well; the egress-only one only out.
      ...(this.ipv6Egress
        ? { ipProtocol: IpProtocol.DUAL_STACK, createInternetGateway: false }
        : {}),
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: subnets,
      gatewayEndpoints: {
        DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: GatewayVpcEndpointAwsService.S3 },
      },
    });
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.REJECT,
    });
  }
}
