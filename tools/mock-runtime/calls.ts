// Answers to provider function calls (data sources) under the mock runtime. Unknown tokens throw:
// a program that starts calling something new must say here what the offline answer is.
import type * as pulumi from "@pulumi/pulumi";

type Call = (inputs: Record<string, unknown>) => Record<string, unknown>;

function computed(token: string, attribute: string): string {
  return `<computed:${token}.${attribute}>`;
}

const CALLS: Readonly<Record<string, Call>> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => {
    const token = "aws:index/getAvailabilityZones";
    const zones = Array.from({ length: 6 }, (_, i) => i);
    return {
      names: zones.map((i) => computed(token, `names[${i}]`)),
      zoneIds: zones.map((i) => computed(token, `zoneIds[${i}]`)),
    };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: computed("aws:index/getCallerIdentity", "accountId"),
    arn: computed("aws:index/getCallerIdentity", "arn"),
    userId: computed("aws:index/getCallerIdentity", "userId"),
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: computed("aws:index/getPartition", "partition"),
    dnsSuffix: computed("aws:index/getPartition", "dnsSuffix"),
  }),
  "aws:index/getRegion:getRegion": () => ({
    name: computed("aws:index/getRegion", "name"),
    region: computed("aws:index/getRegion", "region"),
  }),
  "aws:ec2/getAmi:getAmi": () => ({
    id: computed("aws:ec2/getAmi", "id"),
    imageId: computed("aws:ec2/getAmi", "imageId"),
    name: computed("aws:ec2/getAmi", "name"),
    rootDeviceName: computed("aws:ec2/getAmi", "rootDeviceName"),
  }),
  "aws:elb/getServiceAccount:getServiceAccount": () => ({
    id: computed("aws:elb/getServiceAccount", "id"),
    arn: computed("aws:elb/getServiceAccount", "arn"),
  }),
};

export function answerCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  const call = CALLS[args.token];
  if (!call) {
    throw new Error(
      `the mock runtime has no answer for ${args.token}; add one to tools/mock-runtime/calls.ts`,
    );
  }
  return call(args.inputs as Record<string, unknown>);
}
