// Who is signed in: the user from GET /me, kept in memory beside the token (js/api.js).
import { forget, login, request } from "./api.js";

let me = null;

export function user() {
  return me;
}

export async function signIn(email, password) {
  await login(email, password);
  try {
    me = await request("/me");
  } catch (error) {
    forget();
    throw error;
  }
  return me;
}

export function signOut() {
  // Forgetting the in-memory token is enough here: it was never stored anywhere else.
  // (POST /auth/logout would end every session of the user, on every device.)
  forget();
  me = null;
}
