// What every long-running container of ours shares, from docs/requirements.md §7: health-check
// timings (interval 30 s, timeout 10 s, 3 retries, 40 s start period) and json-file logs kept as
// 5 files of 50 MB, so a chatty container can never fill the Docker host's disk.

export const HEALTHCHECK_TIMINGS = {
  interval: "30s",
  timeout: "10s",
  retries: 3,
  startPeriod: "40s",
} as const;

export const JSON_FILE_LOGS = {
  logDriver: "json-file",
  logOpts: { "max-size": "50m", "max-file": "5" },
} as const;

/** Containers come back after a crash or a host reboot, but stay down when stopped by hand. */
export const RESTART_POLICY = "unless-stopped";
