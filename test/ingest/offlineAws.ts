// Real AWS SDK clients (SQS, S3) that never reach the network. A middleware added with the SDK's
// public `middlewareStack.add`, innermost (step 'deserialize', priority 'low': after serialisation,
// checksums and signing), records each HTTP request exactly as it would be sent and answers it; the
// client's own deserialiser, retry and MD5 checks handle the answer. The SQS side checks each message
// against SQS's documented limits here, in the test code, and refuses it as SQS would.
import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** SQS's limit on a message, body and attributes ("Name, Type, and Value") together: 1 MiB. */
export const SQS_LIMIT_BYTES = 1_048_576;

const region = 'eu-central-1';
const credentials = { accessKeyId: 'AKIDOFFLINETEST', secretAccessKey: 'offline' };

/** An HTTP request as the SDK hands it to its HTTP handler. */
interface WireRequest {
  method: string;
  hostname: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** An HTTP response for the client's deserialiser. */
interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

interface WithMiddleware {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types differ per client.
    add(middleware: any, options: { step: 'deserialize'; priority: 'low'; name: string }): void;
  };
}

/** Answers every request `client` makes with `answer`, without sending it. */
function answerOffline(
  client: WithMiddleware,
  answer: (request: WireRequest, body: Buffer) => WireResponse,
): void {
  client.middlewareStack.add(
    () => async (args: { request: WireRequest }) => {
      const { request } = args;
      // A view on the bytes, not Buffer.from(body): that would call the body's string methods.
      const bytes = request.body as Uint8Array | string | undefined;
      const body =
        bytes === undefined
          ? Buffer.alloc(0)
          : typeof bytes === 'string'
            ? Buffer.from(bytes, 'utf8')
            : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { response: answer(request, body) };
    },
    { step: 'deserialize', priority: 'low', name: 'answerOffline' },
  );
}

const json = (statusCode: number, value: unknown, headers: Record<string, string> = {}): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0', ...headers },
  body: Buffer.from(JSON.stringify(value)),
});

const xml = (statusCode: number, text: string): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/xml' },
  body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${text}`),
});

// --- SQS ------------------------------------------------------------------------------------------

/** A string attribute value, as SendMessage carries it. */
export interface SentAttribute {
  DataType: string;
  StringValue?: string;
}

/** A SendMessage request as SQS would decode it, and its size as SQS counts it. */
export interface SentMessage {
  queueUrl: string;
  body: string;
  attributes: Record<string, SentAttribute>;
  /** UTF-8 bytes of the body and of every attribute's name, type and value. */
  bytes: number;
}

/** The first code point SQS refuses in `text` (XML 1.0 characters only), if any. */
export function refusedCodePoint(text: string): number | undefined {
  for (const character of text) {
    const c = character.codePointAt(0)!;
    const allowed =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff);
    if (!allowed) return c;
  }
  return undefined;
}

/** Why SQS would refuse `message` (empty: it would take it). */
export function sqsViolations(message: Omit<SentMessage, 'bytes'>): string[] {
  const problems: string[] = [];
  const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (message.body.length === 0) problems.push('empty body');
  const inBody = refusedCodePoint(message.body);
  if (inBody !== undefined) problems.push(`body holds ${hex(inBody)}`);
  for (const [name, value] of Object.entries(message.attributes)) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || /^\.|\.$|\.\./.test(name) || /^(aws|amazon)\./i.test(name))
      problems.push(`attribute name ${JSON.stringify(name)}`);
    if (!/^(String|Number|Binary)(\..+)?$/.test(value.DataType)) problems.push(`attribute ${name}: type`);
    if (!value.StringValue) problems.push(`attribute ${name}: empty value`);
    const inValue = refusedCodePoint(value.StringValue ?? '');
    if (inValue !== undefined) problems.push(`attribute ${name} holds ${hex(inValue)}`);
  }
  const bytes = messageBytes(message);
  if (bytes > SQS_LIMIT_BYTES) problems.push(`${bytes} bytes, over ${SQS_LIMIT_BYTES}`);
  return problems;
}

function messageBytes(message: Omit<SentMessage, 'bytes'>): number {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(message.attributes)) {
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

/**
 * A real SQS client whose SendMessage requests land in `messages`, or in `refused` with SQS's reasons;
 * `lose` makes the queue answer as one that does not exist.
 */
export function offlineSqs(): {
  client: SQSClient;
  messages: SentMessage[];
  refused: { message: Omit<SentMessage, 'bytes'>; problems: string[] }[];
  lose: (losing: boolean) => void;
} {
  const client = new SQSClient({ region, credentials });
  const messages: SentMessage[] = [];
  const refused: { message: Omit<SentMessage, 'bytes'>; problems: string[] }[] = [];
  let losing = false;
  answerOffline(client, (request, body) => {
    if (losing) {
      return json(
        400,
        { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' },
        { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
      );
    }
    if (request.headers['x-amz-target'] !== 'AmazonSQS.SendMessage') {
      return json(400, {
        __type: 'com.amazonaws.sqs#UnsupportedOperation',
        message: 'offline: SendMessage only',
      });
    }
    // The JSON protocol carries the body as a JSON string: decoded, it is what SQS would store.
    const input = JSON.parse(body.toString('utf8')) as {
      QueueUrl: string;
      MessageBody: string;
      MessageAttributes?: Record<string, SentAttribute>;
    };
    const message = {
      queueUrl: input.QueueUrl,
      body: input.MessageBody,
      attributes: input.MessageAttributes ?? {},
    };
    const problems = sqsViolations(message);
    if (problems.length > 0) {
      refused.push({ message, problems });
      return json(
        400,
        { __type: 'com.amazonaws.sqs#InvalidMessageContents', message: problems.join('; ') },
        { 'x-amzn-query-error': 'InvalidMessageContents;Sender' },
      );
    }
    messages.push({ ...message, bytes: messageBytes(message) });
    // The client checks this MD5 against the body it meant to send.
    const md5 = createHash('md5').update(message.body, 'utf8').digest('hex');
    return json(200, { MessageId: `offline-${messages.length}`, MD5OfMessageBody: md5 });
  });
  return {
    client,
    messages,
    refused,
    lose: (value) => {
      losing = value;
    },
  };
}

// --- S3 -------------------------------------------------------------------------------------------

/** An object PutObject stored, with the checksum header it came with. */
export interface PutObject {
  bucket: string;
  key: string;
  body: Buffer;
  checksumSha256?: string;
}

/** A real S3 client whose PutObject requests land in `puts`; `refuse` makes S3 deny them. */
export function offlineS3(): { client: S3Client; puts: PutObject[]; refuse: (refusing: boolean) => void } {
  const client = new S3Client({ region, credentials });
  const puts: PutObject[] = [];
  let refusing = false;
  answerOffline(client, (request, body) => {
    if (refusing) {
      return xml(403, '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    }
    if (request.method !== 'PUT') return xml(501, '<Error><Code>NotImplemented</Code></Error>');
    // Virtual-hosted style: <bucket>.s3.<region>.amazonaws.com/<key>.
    const bucket = request.hostname.slice(0, request.hostname.indexOf('.s3.'));
    const key = decodeURIComponent(request.path.slice(1));
    const checksumSha256 = request.headers['x-amz-checksum-sha256'];
    // S3 refuses bytes that do not have the digest sent with them.
    if (
      checksumSha256 !== undefined &&
      createHash('sha256').update(body).digest('base64') !== checksumSha256
    ) {
      return xml(400, '<Error><Code>BadDigest</Code><Message>checksum mismatch</Message></Error>');
    }
    puts.push({ bucket, key, body, ...(checksumSha256 !== undefined && { checksumSha256 }) });
    return { statusCode: 200, headers: { etag: '"offline"' }, body: new Uint8Array() };
  });
  return {
    client,
    puts,
    refuse: (value) => {
      refusing = value;
    },
  };
}
