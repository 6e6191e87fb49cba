// The Watchdog's route and receiver in the rendered alertmanager.yml, with and without a dead man's
// switch: unset, it reaches a receiver without integrations on the default timing; set, a webhook
// to the service on a 5-minute repeat, and the file then holds a secret.
import { parse } from "yaml";
import {
  AlertmanagerSpec,
  alertmanagerConfigHoldsSecret,
  alertmanagerSecretFiles,
  renderAlertmanagerConfig,
} from "../../components/alarms/alertmanager-config";
import { dockerAlertmanagerSpec, secretPlaceholderUrl } from "../../components/alarms/docker";

const PING = "https://hc-ping.com/5b0c2c4e-9d7f-4d2e-a1b3-0c9e8f7a6b5d";
const base: AlertmanagerSpec = {
  environment: "dev",
  routes: { warning: ["log"], critical: ["log"] },
};

interface Route {
  matchers?: string[];
  receiver?: string;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
}
function rendered(spec: AlertmanagerSpec) {
  return parse(renderAlertmanagerConfig(spec)) as {
    route: Route & { routes: Route[] };
    receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
  };
}
const watchdogReceiver = (spec: AlertmanagerSpec) =>
  rendered(spec).receivers.find((r) => r.name === "watchdog");

describe("the Watchdog without a dead man's switch", () => {
  test("is routed first to a receiver without integrations, on the default timing", () => {
    const config = rendered(base);
    expect(config.route.routes[0]).toEqual({
      matchers: ['alertname="Watchdog"'],
      receiver: "watchdog",
    });
    expect(watchdogReceiver(base)).toEqual({ name: "watchdog" });
    expect(alertmanagerConfigHoldsSecret(base)).toBe(false);
  });
});

describe("the Watchdog with a dead man's switch", () => {
  const spec: AlertmanagerSpec = { ...base, deadMansSwitch: { url: PING } };

  test("is posted to the service every 5 minutes, checked each minute, 10 s after a start", () => {
    expect(rendered(spec).route.routes[0]).toEqual({
      matchers: ['alertname="Watchdog"'],
      receiver: "watchdog",
      group_wait: "10s",
      group_interval: "1m",
      repeat_interval: "5m",
    });
  });

  test("the receiver posts one alert, never a resolve, to the URL", () => {
    expect(watchdogReceiver(spec)).toEqual({
      name: "watchdog",
      webhook_configs: [{ url: PING, send_resolved: false, max_alerts: 1 }],
    });
  });

  test("the severity routes keep their own timing and receivers", () => {
    const config = rendered(spec);
    expect(config.route.repeat_interval).toBe("4h");
    expect(config.route.routes.slice(1).map((r) => r.matchers)).toEqual([
      ['severity="critical"'],
      ['severity="warning"'],
    ]);
    expect(config.receivers.map((r) => r.name)).toEqual(["log", "watchdog"]);
  });

  test("the file then holds a secret; no secret file is read for it", () => {
    expect(alertmanagerConfigHoldsSecret(spec)).toBe(true);
    expect(alertmanagerSecretFiles(spec)).toEqual([]);
  });

  test("the Docker spec takes the URL from the deadMansSwitchUrl secret", () => {
    const notify = { routes: { warning: ["log"], critical: ["log"] } } as const;
    const url = secretPlaceholderUrl("deadMansSwitchUrl");
    expect(
      dockerAlertmanagerSpec("dev", notify, { deadMansSwitchUrl: url }).deadMansSwitch,
    ).toEqual({ url });
    expect(dockerAlertmanagerSpec("dev", notify, {}).deadMansSwitch).toBeUndefined();
  });
});
