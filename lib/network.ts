/**
 * The VPC: two AZs (RDS and ElastiCache need subnets in two), Lambda in private subnets,
 * RDS and ElastiCache in isolated ones, DynamoDB and S3 through free gateway endpoints.
 *
 * The functions' way out (the Management API is public-only, see docs/deploy.md) depends on
 * the profile:
 * - NAT gateways (`natGateways` 1 or 2), in public subnets: IPv4, ~$33 a month each;
 * - none (`natGateways` 0, the lean profile): the private subnets route `::/0` to an
 *   egress-only internet gateway (as in every profile: the VPC is dual-stack), which has no
 *   hourly charge, and the functions there reach the Management API (a dual-stack WebSocket API), Secrets Manager
 *   and SQS over IPv6 (docs/decisions/2026-12-07-profiles.md).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  IpProtocol,
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
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      // Dual-stack in every profile, so that changing profile adds or removes NAT gateways
      // and nothing else: the subnets keep their ranges, and the egress-only gateway is
      // there (free) for a profile that goes without NAT.
      ipProtocol: IpProtocol.DUAL_STACK,
      maxAzs: 2,
      natGateways: props.natGateways,
      // The public subnets hold the NAT gateways. Without NAT they are only reserved, which
      // keeps every other subnet's range the same whichever the profile.
      subnetConfiguration: [
        {
          name: 'public',
          subnetType: SubnetType.PUBLIC,
          cidrMask: 24,
          reserved: this.ipv6Egress,
        },
        { name: 'app', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // An internet gateway would let traffic in as well; only NAT's public subnets need one.
      createInternetGateway: !this.ipv6Egress,
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
