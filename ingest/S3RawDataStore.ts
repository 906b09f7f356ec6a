// The raw data of rejected records too large for a failure message, on AWS: an S3 bucket of the stack
// (lib/FailureQueue.ts), written with the record's SHA-256 so that S3 checks what it stores.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RawDataStoreError } from './errors.ts';
import { checkKey, type DataPointer, type RawDataStore } from './RawDataStore.ts';

/** Stores raw record data as objects in one S3 bucket (the ingest may only put). */
export class S3RawDataStore implements RawDataStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, data: Uint8Array, sha256: string): Promise<DataPointer> {
    checkKey(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: data,
          ContentType: 'application/octet-stream',
          // S3 refuses the upload if the bytes it received do not have this digest.
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
      );
    } catch (error) {
      const location = `s3://${this.bucket}/${key}`;
      throw new RawDataStoreError(
        `S3 did not store ${location}: ${(error as Error).name}: ${(error as Error).message}`,
        { location },
        { cause: error },
      );
    }
    return { store: 's3', bucket: this.bucket, key, size: data.byteLength, sha256 };
  }
}
