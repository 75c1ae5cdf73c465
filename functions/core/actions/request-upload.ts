import { ChatError } from '../errors.js';
import type { RequestUploadRequest } from '../file-frames.js';
import { checkUploadRequest, fileStoreOf, uploadKey } from '../files.js';
import { memberChanging } from '../message-change.js';
import type { ActionHandler } from './types.js';

/**
 * Signs one upload (protocol v2, "Files"): a member who may send in the room gets a PUT
 * that object storage accepts only with the size, type and metadata signed here, before
 * `expiresAt`. Nothing is stored yet: an upload no message names expires by the bucket's
 * lifecycle rule (lib/files-bucket.ts).
 */
export const requestUpload: ActionHandler<RequestUploadRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId } = request;
  checkUploadRequest(deps.limits, request);
  const files = fileStoreOf(deps);
  const member = await memberChanging(deps, roomId, caller, 'upload files');
  if (member.muted) throw new ChatError('forbidden', `You are muted in ${roomId}`);
  const uploadId = files.newUploadId();
  const seconds = deps.limits.uploadUrlSeconds;
  const expiresAt = new Date(Date.now() + seconds * 1000).toISOString();
  const signed = await files.signUpload(
    {
      key: uploadKey(roomId, uploadId),
      size: request.size,
      contentType: request.contentType,
      uploaderId: caller.userId,
      roomId,
      fileName: request.fileName,
    },
    seconds,
  );
  await reply({ type: 'upload', uploadId, method: 'PUT', ...signed, expiresAt });
};
