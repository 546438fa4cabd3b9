"""Admin pages for org units and the catalogue: search, import with a report, admin only."""

import io


def sign_in(client, username):
    client.post("/login", data={"username": username, "password": "demo12345"})


def test_org_page_search_and_rejected_import(client):
    sign_in(client, "admin")
    page = client.get("/admin/orgs?q=鼓楼区").get_data(as_text=True)
    assert 'data-code="JS-NJ-鼓楼区"' in page
    assert 'data-code="JS-SZ"' not in page

    bad = io.BytesIO("code,name,kind,parent_code\nJS-Q,某区,district,JS-NOPE\n".encode("utf-8"))
    response = client.post("/admin/orgs", data={"file": (bad, "orgs.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "parent_code &#39;JS-NOPE&#39;" in response.get_data(as_text=True)


def test_catalogue_page_search(client):
    sign_in(client, "admin")
    page = client.get("/admin/catalogue?q=0101").get_data(as_text=True)
    assert 'data-code="010101"' in page
    assert 'data-code="020101"' not in page


def test_admin_pages_refuse_other_roles(client):
    sign_in(client, "nj_dispatcher")
    assert client.get("/admin/orgs").status_code == 403
    assert client.get("/admin/catalogue").status_code == 403
