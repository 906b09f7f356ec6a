// Errors of the failure destinations, mapped from the AWS SDK inside the adapter that calls AWS. Any
// of them fails the send, so the record is retried: a rejected record is never dropped silently.

/** Which record a failure destination could not take. */
export interface RejectedRecordContext {
  partitionKey?: string;
  sequenceNumber?: string;
  /** Where its raw data was to be stored (s3://bucket/key, a file). */
  location?: string;
}

/** Base class of the failure destinations' errors; carries the record at issue. */
export class FailureDestinationError extends Error {
  override name = 'FailureDestinationError';
  constructor(
    message: string,
    readonly context: RejectedRecordContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The record's raw data, too large for a message, could not be stored (S3, a local file). */
export class RawDataStoreError extends FailureDestinationError {
  override name = 'RawDataStoreError';
}

/** The message could not be delivered to the failure queue (SQS) or file. */
export class FailureMessageError extends FailureDestinationError {
  override name = 'FailureMessageError';
}

/** Even the message without the raw data would exceed the limit (fields far beyond any source's). */
export class FailureMessageTooLargeError extends FailureDestinationError {
  override name = 'FailureMessageTooLargeError';
}
