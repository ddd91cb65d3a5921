// The one error type that crosses layers: an AWS error code, an actionable message and its HTTP status.

/** Framework (common) errors that are not in the service model (WIRE.md §5.4). */
export type CommonErrorCode =
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'AccessDeniedException'
  | 'ThrottlingException'
  | 'InternalFailure'
  | 'ServiceUnavailable';

/** Modelled service errors (WIRE.md §5.3); all are HTTP 400. */
export type ServiceErrorCode =
  | 'CertificateMismatchException'
  | 'ConcurrentModificationException'
  | 'InvalidArgsException'
  | 'InvalidArnException'
  | 'InvalidNextTokenException'
  | 'InvalidPolicyException'
  | 'InvalidRequestException'
  | 'InvalidStateException'
  | 'InvalidTagException'
  | 'LimitExceededException'
  | 'LockoutPreventedException'
  | 'MalformedCSRException'
  | 'MalformedCertificateException'
  | 'PermissionAlreadyExistsException'
  | 'RequestAlreadyProcessedException'
  | 'RequestFailedException'
  | 'RequestInProgressException'
  | 'ResourceNotFoundException'
  | 'TooManyTagsException';

export type ErrorCode = CommonErrorCode | ServiceErrorCode;

/** HTTP status per code: the one table (ARCHITECTURE.md house rule 3). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  InternalFailure: 500,
  ServiceUnavailable: 503,
};

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, status?: number) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status ?? STATUS[code] ?? 400;
  }
}

/** Shorthand: `throw fail('InvalidStateException', '...')`. */
export function fail(code: ErrorCode, message: string): ApiError {
  return new ApiError(code, message);
}
