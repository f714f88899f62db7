/**
 * An error of the console's JSON API with its HTTP status and error code (`ErrorView`): the server
 * throws it to answer with that status, the browser code (console/api.ts) throws it when a call is
 * answered so. Import-free, so the browser bundle shares it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
