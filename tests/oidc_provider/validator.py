from oauth2_provider.oauth2_validators import OAuth2Validator


class CouncilClaims(OAuth2Validator):
    """Claims like Entra ID's: the sign-in name, email and a stable object id."""

    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | {"oid": "openid"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "email": user.email,
            "name": user.get_full_name(),
            "oid": f"00000000-0000-0000-0000-{user.pk:012d}",
        }
