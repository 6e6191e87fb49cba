// The webstack CrossGuard policy pack: run with
//   pulumi preview --stack <s> --policy-pack policies --policy-pack-config policies/config/<s>.json
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("webstack", { policies });
