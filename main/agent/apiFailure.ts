// An API error with its code, thrown by the agent's services and turned into an ApiResult by apiDispatch.
import type { ApiError } from '../../domain/index.js';

export class ApiFailure extends Error {
  constructor(readonly code: ApiError['code'], message: string) {
    super(message);
    this.name = 'ApiFailure';
  }
}
