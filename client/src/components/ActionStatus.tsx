/**
 * What the last action on a staff page did, announced politely, and what went wrong, announced at
 * once (the status line stays in the page so screen readers hear each new message).
 */
export function ActionStatus({ message, error }: { message: string | undefined; error: string | undefined }) {
  return (
    <>
      <p role="status" className="muted">
        {message}
      </p>
      {error && (
        <p className="banner danger" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
