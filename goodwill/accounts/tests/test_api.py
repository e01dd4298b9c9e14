import json

from goodwill.accounts.models import ApiToken
from goodwill.core.testing import GoodwillTestCase


class AuthTests(GoodwillTestCase):
    def test_me_tells_the_user_and_their_workspaces(self):
        response = self.api("GET", "me")
        assert response.status_code == 200
        body = response.json()
        assert body["email"] == self.owner.email
        assert body["workspace"] == self.workspace.slug
        assert body["workspaces"] == [
            {
                "slug": self.workspace.slug,
                "name": "Ortiz Consulting",
                "role": "owner",
                "time_zone": "America/Chicago",
            }
        ]

    def test_no_or_a_wrong_token_is_401_in_the_error_shape(self):
        for headers in [{}, {"Authorization": "Bearer gw_wrong"}, {"Authorization": "Basic eDp5"}]:
            response = self.client.get("/api/v1/me", headers=headers)
            assert response.status_code == 401
            assert response["WWW-Authenticate"] == "Bearer"
            assert response.json() == {
                "detail": "A valid token is needed: Authorization: Bearer TOKEN.",
                "errors": [],
            }

    def test_a_token_records_when_it_was_last_used(self):
        self.api("GET", "me")
        assert ApiToken.objects.get(user=self.owner).last_used_at is not None

    def test_a_read_only_token_can_read_but_not_write(self):
        from goodwill.accounts.services import token_create

        _, raw = token_create(workspace=self.workspace, user=self.owner, name="ro", read_only=True)
        assert self.api("GET", "tokens", token=raw).status_code == 200
        victim = ApiToken.objects.get(user=self.assistant)
        response = self.api("DELETE", f"tokens/{victim.pk}", token=raw)
        assert response.status_code == 403
        assert response.json()["detail"] == "This token is read-only."
        victim.refresh_from_db()
        assert victim.revoked_at is None

    def test_an_inactive_user_token_stops_working(self):
        self.owner.is_active = False
        self.owner.save()
        assert self.api("GET", "me").status_code == 401


class TokenApiTests(GoodwillTestCase):
    def test_it_lists_tokens_paginated(self):
        response = self.api("GET", "tokens?limit=1&offset=0")
        body = response.json()
        assert body["count"] == 2
        assert len(body["items"]) == 1
        assert {"id", "name", "prefix", "read_only", "user"} <= set(body["items"][0])
        assert "token_hash" not in body["items"][0]
        assert self.api("GET", "tokens", token=self.assistant_token).json()["count"] == 1

    def test_a_bad_limit_is_422_with_errors(self):
        response = self.api("GET", "tokens?limit=0")
        assert response.status_code == 422
        body = response.json()
        assert body["detail"] == "The request is not valid; see errors."
        assert body["errors"][0]["loc"][-1] == "limit"
        assert self.api("GET", "tokens?limit=abc").status_code == 422

    def test_a_token_cannot_mint_more_tokens(self):
        response = self.api("POST", "tokens", body={"name": "zapier"})
        assert response.status_code == 405
        assert ApiToken.objects.count() == 3

    def test_it_revokes_a_token(self):
        token = ApiToken.objects.get(user=self.assistant)
        assert self.api("DELETE", f"tokens/{token.pk}").status_code == 204
        assert self.api("GET", "me", token=self.assistant_token).status_code == 401

    def test_an_assistant_cannot_see_or_revoke_the_owners_token(self):
        token = ApiToken.objects.get(user=self.owner)
        assert self.api("GET", f"tokens/{token.pk}", token=self.assistant_token).status_code == 404
        assert (
            self.api("DELETE", f"tokens/{token.pk}", token=self.assistant_token).status_code == 404
        )
        assert self.api("GET", "me").status_code == 200

    def test_an_outsider_gets_404_for_another_workspaces_token(self):
        token = ApiToken.objects.get(user=self.owner)
        for method in ("GET", "DELETE"):
            response = self.api(method, f"tokens/{token.pk}", token=self.outsider_token)
            assert response.status_code == 404
            assert response.json() == {"detail": "Not found.", "errors": []}
        assert self.api("GET", "tokens", token=self.outsider_token).json()["count"] == 1
        assert self.api("GET", "me").status_code == 200

    def test_an_unknown_id_is_404(self):
        assert self.api("GET", "tokens/999999").status_code == 404
        assert self.api("GET", "tokens/abc").status_code == 422


class OpenApiTests(GoodwillTestCase):
    def test_the_schema_is_valid_openapi_and_documents_the_contract(self):
        from openapi_spec_validator import validate

        response = self.client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        schema = response.json()
        validate(schema)
        # Python keeps the last of two equal keys; Swagger UI's parser refuses the document.
        twice: list[str] = []

        def no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
            keys = [key for key, _ in pairs]
            twice.extend(key for key in set(keys) if keys.count(key) > 1)
            return dict(pairs)

        json.loads(response.content, object_pairs_hook=no_repeats)
        assert twice == []
        assert schema["info"]["title"] == "Goodwill API"
        assert {"/api/v1/me", "/api/v1/tokens", "/api/v1/tokens/{token_id}"} <= set(schema["paths"])
        assert (
            "BearerAuth" in json.dumps(schema["components"]["securitySchemes"])
            or schema["components"]["securitySchemes"]
        )

    def test_the_docs_page_is_served_without_a_token(self):
        response = self.client.get("/api/v1/docs")
        assert response.status_code == 200
        self.assertContains(response, "swagger-ui")


class UnknownPathTests(GoodwillTestCase):
    def test_an_unknown_api_path_is_a_json_404(self):
        response = self.api("GET", "no-such-thing")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": []}

    def test_a_wrong_method_is_a_json_405_with_allow(self):
        response = self.api("PUT", "me", body={})
        assert response.status_code == 405
        assert response.json() == {"detail": "PUT is not allowed here; use GET.", "errors": []}
        assert response["Allow"] == "GET"
