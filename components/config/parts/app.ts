// The application tier: how many hosts of what size, and the two containers it runs.
import { EC2_INSTANCE_TYPES } from "../../catalog/instance-sizes";
import { catalogKey, integer, oneOf, pinnedImage, port, section } from "../fields";

const common = {
  hosts: integer(1, 20).default(1).describe("Number of app hosts."),
  vcpu: integer(1, 64).default(2).describe("vCPUs each app host needs."),
  memoryGb: integer(1, 256).default(4).describe("Memory each app host needs, GiB."),
  frontendImage: pinnedImage()
    .default("ghcr.io/labelmedix/frontend:1.0.0")
    .describe("Frontend container image (Next.js), pinned."),
  backendImage: pinnedImage()
    .default("ghcr.io/labelmedix/backend:1.0.0")
    .describe("Backend API container image (Node), pinned."),
  frontendPort: port().default(3000).describe("Port the frontend listens on."),
  backendPort: port().default(3001).describe("Port the backend API listens on."),
};

export const appSchema = {
  docker: section(common, "Application containers."),
  aws: section(
    {
      ...common,
      instanceType: catalogKey("EC2 instance type", EC2_INSTANCE_TYPES).describe(
        "EC2 instance type of the app hosts; must offer vcpu and memoryGb.",
      ),
      diskGb: integer(20, 16384).default(50).describe("Root volume of each app host, GiB."),
      os: oneOf(["ubuntu-22.04", "ubuntu-24.04"])
        .default("ubuntu-22.04")
        .describe("App host operating system."),
    },
    "Application hosts and containers.",
  ),
};
