'use strict';

// Starts an S3-compatible server (s3rver) and an SQS-compatible server (local-aws-sqs) on free
// loopback ports for Vigil's tests. With --notify BUCKET=QUEUE, every object created in BUCKET is
// announced in QUEUE as an S3 event notification, the JSON document S3 itself sends.
//
//   node aws-local.js --directory DIR [--bucket NAME]... [--queue NAME]... [--notify BUCKET=QUEUE]...
//
// Prints one line of JSON when both servers listen:
//   {"s3":"http://127.0.0.1:PORT","sqs":"http://127.0.0.1:PORT","queues":{"NAME":"URL"}}
// and runs until standard input closes or it receives SIGTERM or SIGINT.

const S3rver = require('s3rver');
const { createSqsServer } = require('local-aws-sqs');

const accountId = '123456789012';
const region = 'us-east-1';

function parseArguments(argv) {
  const options = { directory: null, buckets: [], queues: [], notify: [] };
  for (let index = 0; index < argv.length; index++) {
    const name = argv[index];
    const value = argv[index + 1];
    if (value === undefined) {
      throw new Error(`${name} needs a value`);
    }

    index++;
    switch (name) {
      case '--directory':
        options.directory = value;
        break;
      case '--bucket':
        options.buckets.push(value);
        break;
      case '--queue':
        options.queues.push(value);
        break;
      case '--notify': {
        const [bucket, queue] = value.split('=');
        if (!bucket || !queue) {
          throw new Error(`--notify takes BUCKET=QUEUE, not ${value}`);
        }

        options.notify.push({ bucket, queue });
        break;
      }
      default:
        throw new Error(`unknown option ${name}`);
    }
  }

  if (!options.directory) {
    throw new Error('--directory is required');
  }

  return options;
}

// S3 writes the key in event notifications URL-encoded, with '+' for spaces and '/' kept.
function encodeKey(key) {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

// Turns s3rver's event into the notification document S3 sends.
function notificationOf(event) {
  return {
    Records: event.Records.map((record) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: record.eventTime,
      eventName: record.eventName,
      userIdentity: record.userIdentity,
      requestParameters: record.requestParameters,
      responseElements: record.responseElements,
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'vigil-test',
        bucket: {
          name: record.s3.bucket.name,
          ownerIdentity: record.s3.bucket.ownerIdentity,
          arn: `arn:aws:s3:::${record.s3.bucket.name}`,
        },
        object: {
          key: encodeKey(record.s3.object.key),
          size: record.s3.object.size,
          eTag: record.s3.object.eTag,
          sequencer: record.s3.object.sequencer,
        },
      },
    })),
  };
}

async function sqsCall(endpoint, action, body) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`SQS ${action} failed with status ${response.status}: ${text}`);
  }

  return JSON.parse(text);
}

async function main() {
  const options = parseArguments(process.argv.slice(2));

  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1', accountId, region });
  const sqsEndpoint = `http://127.0.0.1:${sqsServer.address().port}`;
  const queues = {};
  for (const name of new Set([...options.queues, ...options.notify.map((entry) => entry.queue)])) {
    const created = await sqsCall(sqsEndpoint, 'CreateQueue', { QueueName: name });
    queues[name] = created.QueueUrl;
  }

  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const address = await s3.run();
  const s3Endpoint = `http://127.0.0.1:${address.port}`;

  s3.on('event', (event) => {
    const bucket = event.Records[0] && event.Records[0].s3.bucket.name;
    const targets = options.notify.filter((entry) => entry.bucket === bucket);
    if (targets.length === 0 || !event.Records[0].eventName.startsWith('ObjectCreated:')) {
      return;
    }

    const body = JSON.stringify(notificationOf(event));
    for (const target of targets) {
      sqsCall(sqsEndpoint, 'SendMessage', { QueueUrl: queues[target.queue], MessageBody: body }).catch((error) => {
        process.stderr.write(`forwarding an event of ${bucket} to ${target.queue} failed: ${error.message}\n`);
      });
    }
  });

  const stop = async () => {
    await s3.close();
    sqsServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();

  process.stdout.write(`${JSON.stringify({ s3: s3Endpoint, sqs: sqsEndpoint, queues })}\n`);
}

main().catch((error) => {
  process.stderr.write(`aws-local: ${error.message}\n`);
  process.exit(1);
});
