/**
 * ARM ids as this tool accepts them, from a spec, an inventory file or Azure alike: ids are built
 * into request URLs, so an id that could change the URL's meaning is refused before anything is
 * planned. ARM names cannot hold these characters (learn.microsoft.com, "Naming rules and
 * restrictions for Azure resources": names exclude `< > % & \ ? /` and control characters, and
 * `#` "interferes with URL parsing in Azure Resource Manager requests"), and a `.` or `..` segment
 * would make a URL reach another resource (a parent scope) than the id names.
 */

/** Characters no ARM name holds: control characters, and those that change a URL or a path. */
// eslint-disable-next-line no-control-regex -- control characters are among what ARM names cannot hold
const FORBIDDEN = /[\u0000-\u001f\u007f<>%&\\?#"]/;
const DOT_SEGMENT = /\/\.{1,2}(?=\/|$)/;
const EMPTY_SEGMENT = /\/\/|\/$/;
const SUBSCRIPTION_ID = /^\/subscriptions\/[^/]+\//i;

/** What is wrong with an id's segments, or undefined (any scope: subscription, management group, tenant). */
export function armPathProblem(id: string): string | undefined {
  if (!id.startsWith("/")) return 'must be an ARM id (starting with "/")';
  const bad = FORBIDDEN.exec(id);
  if (bad) return `holds ${JSON.stringify(bad[0])}, a character ARM names cannot hold`;
  if (DOT_SEGMENT.test(id)) return 'has a "." or ".." segment';
  if (EMPTY_SEGMENT.test(id)) return "has an empty segment";
  return undefined;
}

/** A well-formed id in a subscription, in one pass (the usual answer, for a million machine ids). */
// eslint-disable-next-line no-control-regex -- as FORBIDDEN
const GOOD_ID = /^\/subscriptions\/[^/\u0000-\u001f\u007f<>%&\\?#"]+(?:\/(?!\.\.?(?:\/|$))[^/\u0000-\u001f\u007f<>%&\\?#"]+)+$/i;

/** What is wrong with the id of a resource in a subscription, or undefined. */
export function armIdProblem(id: string): string | undefined {
  if (GOOD_ID.test(id)) return undefined;
  if (!SUBSCRIPTION_ID.test(id)) return "must be an ARM resource id (/subscriptions/<id>/...)";
  return armPathProblem(id) ?? 'has a "." or ".." segment';
}

/** What is wrong with a resource name (one segment), or undefined. */
export function armNameProblem(name: string): string | undefined {
  if (name === "" ) return "is empty";
  if (name.includes("/")) return 'holds "/", which would make it more than one segment';
  if (name === "." || name === "..") return `is "${name}"`;
  const bad = FORBIDDEN.exec(name);
  if (bad) return `holds ${JSON.stringify(bad[0])}, a character ARM names cannot hold`;
  return undefined;
}
