// The regions an AWS stack may name are @pulumi/aws's own `Region` enum — the provider this
// program deploys with — less the partitions the AWS target does not support: China (cn-*),
// GovCloud (us-gov-*), the isolated clouds (*-iso*) and the European Sovereign Cloud (eusc-*).
import { Region } from "@pulumi/aws/types/enums";
import { AWS_REGIONS } from "../../../components/catalog/aws-regions";

const OTHER_PARTITION = /^(cn-|us-gov-|eusc-)|-iso[a-z]*-/;

test("AWS_REGIONS is the provider's Region enum less the other partitions", () => {
  const provider: string[] = Object.values(Region);
  expect([...AWS_REGIONS].sort()).toEqual(provider.filter((r) => !OTHER_PARTITION.test(r)).sort());
  expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
});

test("the filter leaves out real regions of each other partition, so it is not vacuous", () => {
  const left = Object.values(Region).filter((r) => !AWS_REGIONS.includes(r));
  expect(left).toEqual(
    expect.arrayContaining(["cn-north-1", "us-gov-west-1", "us-iso-east-1", "eusc-de-east-1"]),
  );
});
