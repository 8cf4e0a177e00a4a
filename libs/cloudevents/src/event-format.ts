import { type CloudEvent } from './event';
import { isJsonContentType } from './media-type';

const CONTEXT_ORDER = ['specversion', 'type', 'source', 'subject', 'id', 'time', 'dataschema', 'schemaurl', 'datacontenttype', 'datacontentencoding'] as const;

/** An event as Knative's event_display prints it (the Go SDK's Event.String()). */
export function formatEvent(event: CloudEvent): string {
  const lines = ['☁️  cloudevents.Event', 'Context Attributes,'];
  for (const name of CONTEXT_ORDER) {
    const value = event[name];
    if (value !== undefined) lines.push(`  ${name}: ${value}`);
  }
  const extensions = Object.keys(event.extensions).sort();
  if (extensions.length > 0) {
    lines.push('Extensions,');
    for (const name of extensions) lines.push(`  ${name}: ${event.extensions[name]}`);
  }
  if (event.data && event.data.length > 0) {
    lines.push('Data,');
    lines.push(indent(prettyData(event)));
  }
  return lines.join('\n');
}

function prettyData(event: CloudEvent): string {
  const text = (event.data as Buffer).toString('utf8');
  if (isJsonContentType(event.datacontenttype)) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not JSON after all: show it as it came.
    }
  }
  return text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The CloudEvents JSON format of an event, data decoded when it is JSON or text. */
export function eventJson(event: CloudEvent): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const name of CONTEXT_ORDER) if (event[name] !== undefined) json[name] = event[name];
  Object.assign(json, event.extensions);
  if (!event.data || event.data.length === 0) return json;
  const text = event.data.toString('utf8');
  if (isJsonContentType(event.datacontenttype)) {
    try {
      json.data = JSON.parse(text);
      return json;
    } catch {
      // Fall through: kept as bytes below.
    }
  } else if (event.datacontenttype?.startsWith('text/')) {
    json.data = text;
    return json;
  }
  json.data_base64 = event.data.toString('base64');
  return json;
}
