// Container image references, by the grammar Docker's distribution/reference package defines:
// [registry[:port]/]path[:tag][@digest]. Config refuses what Docker would refuse, and config and
// the policy pack share one meaning of "pinned": a version tag that is not `latest`, or a digest.

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`);
/** Docker's limit on the repository name. */
const NAME_MAX = 255;

export interface ImageReference {
  /** Repository, with its registry when one is given: "ghcr.io/labelmedix/backend". */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The parts of a reference, or undefined when Docker would refuse it. */
export function parseImageReference(reference: string): ImageReference | undefined {
  const match = REFERENCE.exec(reference);
  if (!match || match[1].length > NAME_MAX) return undefined;
  const [, name, tag, digest] = match;
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** A valid reference that names a version tag other than `latest`, or a digest. */
export function isPinnedImage(reference: string): boolean {
  const parsed = parseImageReference(reference);
  if (!parsed) return false;
  return parsed.digest !== undefined || (parsed.tag !== undefined && parsed.tag !== "latest");
}
