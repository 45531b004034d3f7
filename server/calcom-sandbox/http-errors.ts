import type { Request, Response } from 'express';

const reasons: Record<number, [code: string, reason: string]> = {
  400: ['BadRequestException', 'Bad Request'],
  401: ['UnauthorizedException', 'Unauthorized'],
  403: ['ForbiddenException', 'Forbidden'],
  404: ['NotFoundException', 'Not Found'],
  409: ['ConflictException', 'Conflict'],
  413: ['PayloadTooLargeException', 'Payload Too Large'],
  429: ['ThrottlerException', 'Too Many Requests'],
  500: ['InternalServerErrorException', 'Internal Server Error'],
};

/** An error that the v2 error filter renders as Cal.com's `{status:"error", …}` envelope (NestJS exception names). */
export class V2Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, message: string, details?: unknown) {
    super(message);
    const [code, reason] = reasons[status] ?? ['HttpException', 'Error'];
    this.status = status;
    this.code = code;
    // NestJS HttpException.getResponse() for `new XException(msg)` is `{message, error, statusCode}`.
    this.details = details ?? { message, error: reason, statusCode: status };
  }
}

/** Sends the v2 error envelope (apps/api/v2/src/filters/http-exception.filter.ts). */
export function sendV2Error(req: Request, res: Response, err: V2Error): void {
  res.status(err.status).json({
    status: 'error',
    timestamp: new Date().toISOString(),
    path: req.originalUrl,
    error: { code: err.code, message: err.message, details: err.details },
  });
}

/** Turns a zod issue list into a class-validator-like 400 (message = first problem, details lists all). */
export function validationError(issues: readonly { path: PropertyKey[]; message: string }[]): V2Error {
  const messages = issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
  return new V2Error(400, messages[0] ?? 'Bad Request', { message: messages, error: 'Bad Request', statusCode: 400 });
}

/** An error of the programmatic admin API (also answered by /_sandbox routes with this HTTP status). */
export class SandboxError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SandboxError';
    this.status = status;
  }
}
