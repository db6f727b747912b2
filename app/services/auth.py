"""Sign-in: password and client-credentials grants, refresh rotation with reuse detection,
logout, and a brake on password guessing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.principal import SCOPE_ROLES, Principal
from app.core.security import (
    InvalidToken,
    create_access_token,
    decode_access_token,
    digest,
    new_opaque_token,
    verify_password,
)
from app.errors import InvalidCredentials, TooManyRequests, Unauthorized
from app.models import ApiClient, LoginFailure, RefreshToken, User
from app.models.base import new_id
from app.schemas.auth import TokenPair
from app.services import audit


def _now() -> datetime:
    return datetime.now(UTC)


async def _refuse_if_throttled(
    session: AsyncSession, settings: Settings, email: str, address: str
) -> None:
    since = _now() - timedelta(seconds=settings.login_failure_window_seconds)
    for column, value, limit in (
        (LoginFailure.email, email, settings.login_max_failures_per_account),
        (LoginFailure.address, address, settings.login_max_failures_per_address),
    ):
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginFailure.occurred_at)).where(
                    column == value, LoginFailure.occurred_at >= since
                )
            )
        ).one()
        if count >= limit:
            oldest_at = oldest.replace(tzinfo=UTC) if oldest.tzinfo is None else oldest
            retry_after = max(1, int((oldest_at - since).total_seconds()) + 1)
            raise TooManyRequests(
                "Too many failed sign-in attempts; wait before trying again.",
                headers={"Retry-After": str(retry_after)},
            )


async def _issue_pair(
    session: AsyncSession, settings: Settings, user: User, family_id: str | None = None
) -> TokenPair:
    access, expires_in = create_access_token(
        settings, subject=user.id, organisation_id=user.organisation_id, roles=list(user.roles)
    )
    refresh = new_opaque_token()
    lifetime = timedelta(days=settings.refresh_token_days)
    token = RefreshToken(
        user_id=user.id,
        token_hash=digest(refresh),
        expires_at=_now() + lifetime,
    )
    token.family_id = family_id or new_id()
    session.add(token)
    await session.flush()
    return TokenPair(
        access_token=access,
        expires_in=expires_in,
        refresh_token=refresh,
        refresh_expires_in=int(lifetime.total_seconds()),
    )


async def password_grant(
    session: AsyncSession, settings: Settings, email: str, password: str, address: str
) -> TokenPair:
    email = email.strip().lower()
    await _refuse_if_throttled(session, settings, email, address)
    user = await session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.active or not verify_password(password, user.password_hash):
        session.add(LoginFailure(email=email, address=address))
        await session.flush()
        raise InvalidCredentials("Wrong email or password, or the account is disabled.")
    await session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    pair = await _issue_pair(session, settings, user)
    await audit.record(
        session,
        Principal(kind="user", id=user.id, organisation_id=user.organisation_id),
        action="login",
        object_type="user",
        object_id=user.id,
    )
    return pair


async def client_credentials_grant(
    session: AsyncSession, settings: Settings, client_id: str, client_secret: str, address: str
) -> TokenPair:
    await _refuse_if_throttled(session, settings, f"client:{client_id}", address)
    client = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if client is None or not client.active or client.secret_hash != digest(client_secret):
        session.add(LoginFailure(email=f"client:{client_id}", address=address))
        await session.flush()
        raise InvalidCredentials("Unknown client, wrong secret, or the client is disabled.")
    roles = sorted({SCOPE_ROLES[s].value for s in client.scopes if s in SCOPE_ROLES})
    access, expires_in = create_access_token(
        settings,
        subject=client.id,
        subject_type="api_client",
        organisation_id=client.organisation_id,
        roles=roles,
        scopes=list(client.scopes),
    )
    return TokenPair(access_token=access, expires_in=expires_in, scope=" ".join(client.scopes))


async def refresh(session: AsyncSession, settings: Settings, refresh_token: str) -> TokenPair:
    token = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token))
    )
    if token is None or token.revoked_at is not None:
        raise InvalidCredentials("This refresh token is not valid; sign in again.")
    if token.rotated_at is not None:
        # A rotated token presented again means it was copied: end the whole session family.
        await _revoke_family(session, token.family_id)
        raise InvalidCredentials(
            "This refresh token was already used; every session from the same sign-in is revoked."
        )
    if token.expires_at <= _now():
        raise InvalidCredentials("This refresh token has expired; sign in again.")
    user = await session.get(User, token.user_id)
    if user is None or not user.active:
        raise InvalidCredentials("The account is disabled.")
    token.rotated_at = _now()
    return await _issue_pair(session, settings, user, family_id=token.family_id)


async def _revoke_family(session: AsyncSession, family_id: str) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    await session.flush()


async def logout(session: AsyncSession, principal: Principal, refresh_token: str) -> None:
    token = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token))
    )
    # Only the token's owner may end its session; anything else is answered the same way.
    if token is not None and token.user_id == principal.id:
        await _revoke_family(session, token.family_id)
        await audit.record(
            session, principal, action="logout", object_type="user", object_id=principal.id
        )


async def authenticate(session: AsyncSession, settings: Settings, bearer: str) -> Principal:
    """Turn a bearer token into the caller; a disabled account or client is refused at once."""
    try:
        claims = decode_access_token(settings, bearer)
    except InvalidToken as exc:
        raise Unauthorized("The access token is missing, invalid or expired.") from exc
    kind = claims.get("sub_type", "user")
    holder: User | ApiClient | None
    if kind == "api_client":
        holder = await session.get(ApiClient, claims["sub"])
    else:
        holder = await session.get(User, claims["sub"])
    if holder is None or not holder.active or holder.organisation_id != claims["org"]:
        raise Unauthorized("The account behind this token is disabled or gone.")
    roles = (
        frozenset(claims["roles"])
        if isinstance(holder, ApiClient)
        else frozenset(holder.roles)  # current roles win over those in an older token
    )
    return Principal(kind=kind, id=holder.id, organisation_id=holder.organisation_id, roles=roles)


async def api_client_of(session: AsyncSession, principal: Principal) -> ApiClient:
    client = await session.get(ApiClient, principal.id)
    if client is None:
        raise Unauthorized("The client behind this token is gone.")
    return client
