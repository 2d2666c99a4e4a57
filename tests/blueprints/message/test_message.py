"""``/api/system/message_center/``: messages, recipient resolution, receipts and read flags."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.message.models import (
    MessageCenter,
    MessageCenterTargetUser,
    message_center_target_dept,
    message_center_target_role,
)
from tests.support.factories import grant, make_button, make_dept, make_role, make_user
from tests.support.queries import count_statements, statements_for

URL = "/api/system/message_center/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
ITEM_KEYS = {
    "id", "modifier_name", "creator_name", "create_datetime", "update_datetime", "role_info", "user_info",
    "dept_info", "description", "modifier", "dept_belong_id", "title", "content", "target_type", "creator",
    "target_user", "target_dept", "target_role",
}  # fmt: skip
PAGE_KEYS = ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
ROUTES = [
    ("get", "", "", 0),
    ("post", "", "", 1),
    ("get", "{id}/", "{id}/", 0),
    ("put", "{id}/", "{id}/", 2),
    ("patch", "{id}/", "{id}/", 2),
    ("delete", "{id}/", "{id}/", 3),
    ("delete", "multiple_delete/", "multiple_delete/", 3),
    ("post", "get_by_ids/", "get_by_ids/", 1),
]


@pytest.fixture()
def org(app):
    root = make_dept(app, "总部")
    return {
        "root": root,
        "tech": make_dept(app, "技术部", parent=root),
        "ops": make_dept(app, "运营部", parent=root),
    }


@pytest.fixture()
def su(app, org, login_as):
    user = make_user(app, "root", superuser=True, dept=org["root"], name="超级管理员")
    return user, login_as(user)


def staff(app, dept, buttons, data_range=3, **fields):
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, URL + api, method), data_range)
    return make_user(app, dept=dept, roles=[role], **fields)


def receipts(app, message_id=None):
    """``{user id: is_read}`` of a message's receipts (or all receipts)."""
    with app.app_context():
        stmt = sa.select(MessageCenterTargetUser.users_id, MessageCenterTargetUser.is_read)
        if message_id is not None:
            stmt = stmt.where(MessageCenterTargetUser.messagecenter_id == message_id)
        return dict(db.session.execute(stmt).all())


def count(app, table):
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def send(client, auth, **body):
    payload = {"title": "通知", "content": "<p>hello</p>", **body}
    r = client.post(URL, json=payload, headers=auth)
    assert r.json["code"] == 2000, r.json
    return r.json["data"]


@pytest.mark.parametrize(("method", "path", "_api", "_m"), ROUTES)
def test_no_token(client, app, su, method, path, _api, _m):
    r = getattr(client, method)(URL + path.format(id=1), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "path", "_api", "_m"), ROUTES)
def test_no_button(client, app, su, login_as, method, path, _api, _m):
    _user, auth = su
    message = send(client, auth, target_type=3)
    r = getattr(client, method)(
        URL + path.format(id=message["id"]), json={}, headers=login_as(make_user(app))
    )
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize("path", ["get_self_receive/", "get_newest_msg/"])
def test_login_only_routes(client, app, org, login_as, path):
    assert client.get(URL + path).status_code == 401
    r = client.get(URL + path, headers=login_as(make_user(app, dept=org["tech"])))
    assert r.json["code"] == 2000


@pytest.mark.parametrize(("method", "path", "api", "m"), ROUTES)
def test_each_route_with_its_button(client, app, org, su, login_as, method, path, api, m):
    _user, root_auth = su
    user = staff(app, org["root"], [(api, m)])
    auth = login_as(user)
    target = make_user(app, dept=org["tech"])
    with app.app_context():
        from blueprints.user.models import User

        me = db.session.get(User, user.id)
        mine = MessageCenter(
            title="t", content="c", target_type=0, creator_id=me.id, dept_belong_id=str(org["root"].id)
        )
        db.session.add(mine)
        db.session.commit()
        mine_id = mine.id
    bodies = {
        "post": {
            "title": "新消息",
            "content": "c",
            "target_type": 0,
            "target_user": [target.id],
            "ids": [mine_id],
        },
        "put": {"title": "改", "content": "c2", "target_type": 0, "target_user": [target.id]},
        "patch": {"title": "改"},
        "delete": {"keys": [mine_id]},
    }
    r = getattr(client, method)(URL + path.format(id=mine_id), json=bodies.get(method, {}), headers=auth)
    assert r.json["code"] == 2000, r.json
    assert root_auth


def test_create_answers_the_message(client, app, org, su):
    user, auth = su
    a = make_user(app, dept=org["tech"], name="甲")
    b = make_user(app, dept=org["ops"], name="乙")
    data = send(client, auth, title="示例消息", target_type=0, target_user=[a.id, b.id])
    assert set(data) == ITEM_KEYS
    assert data["title"] == "示例消息" and data["content"] == "<p>hello</p>" and data["target_type"] == 0
    assert (
        data["creator"] == user.id
        and data["creator_name"] == "超级管理员"
        and data["modifier"] == str(user.id)
    )
    assert data["dept_belong_id"] == str(org["root"].id)
    assert data["target_user"] == [a.id, b.id] and data["target_role"] == [] and data["target_dept"] == []
    assert data["user_info"] == [
        {"id": a.id, "username": a.username, "name": "甲"},
        {"id": b.id, "username": b.username, "name": "乙"},
    ]
    assert data["role_info"] == [] and data["dept_info"] == []
    assert receipts(app, data["id"]) == {a.id: False, b.id: False}


def test_target_type_1_reaches_members_of_the_roles(client, app, org, su):
    _user, auth = su
    r1, r2, r3 = make_role(app), make_role(app), make_role(app)
    both = make_user(app, dept=org["tech"], roles=[r1, r2])
    one = make_user(app, dept=org["ops"], roles=[r2])
    make_user(app, dept=org["ops"], roles=[r3])
    data = send(client, auth, target_type=1, target_role=[r1.id, r2.id], target_user=[99999])
    assert receipts(app, data["id"]) == {both.id: False, one.id: False}
    assert data["target_role"] == [r1.id, r2.id] and data["target_user"] == [] and data["user_info"] == []
    assert data["role_info"] == [
        {"id": r1.id, "name": r1.name, "key": r1.key},
        {"id": r2.id, "name": r2.name, "key": r2.key},
    ]


def test_target_type_2_reaches_users_of_the_depts(client, app, org, su):
    _user, auth = su
    t1 = make_user(app, dept=org["tech"])
    t2 = make_user(app, dept=org["tech"])
    make_user(app, dept=org["ops"])
    data = send(client, auth, target_type=2, target_dept=[org["tech"].id])
    assert receipts(app, data["id"]) == {t1.id: False, t2.id: False}
    assert data["target_dept"] == [org["tech"].id]
    assert data["dept_info"] == [{"id": org["tech"].id, "name": "技术部", "parent": org["root"].id}]


def test_target_type_3_reaches_every_active_user(client, app, org, su):
    user, auth = su
    a = make_user(app, dept=org["tech"])
    b = make_user(app, dept=None)
    make_user(app, dept=org["ops"], active=False)
    data = send(client, auth, target_type=3)
    assert receipts(app, data["id"]) == {user.id: False, a.id: False, b.id: False}
    assert data["target_user"] == [] and data["user_info"] == []


def _recipients_cost(app, client, auth, org, body_for, n):
    users = [make_user(app, dept=org["tech"]) for _ in range(n)]
    body = {"title": "t", "content": "c", **body_for(users)}
    with count_statements(app) as statements:
        r = client.post(URL, json=body, headers=auth)
    assert r.json["code"] == 2000, r.json
    assert len(receipts(app, r.json["data"]["id"])) >= n
    return len(statements)


@pytest.mark.parametrize(
    "target",
    [
        lambda org, role: lambda users: {"target_type": 0, "target_user": [u.id for u in users]},
        lambda org, role: lambda users: {"target_type": 1, "target_role": [role.id]},
        lambda org, role: lambda users: {"target_type": 2, "target_dept": [org["tech"].id]},
        lambda org, role: lambda users: {"target_type": 3},
    ],
    ids=["users", "roles", "depts", "everyone"],
)
def test_create_costs_the_same_for_3_or_30_recipients(client, app, org, su, target):
    _user, auth = su
    role = make_role(app)
    body_for = target(org, role)

    def with_role(users):
        if body_for([]).get("target_type") == 1:
            from blueprints.user.models import users_role

            with app.app_context():
                db.session.execute(
                    sa.insert(users_role), [{"users_id": u.id, "role_id": role.id} for u in users]
                )
                db.session.commit()
        return body_for(users)

    send(client, auth, target_type=3)  # warm-up
    small = _recipients_cost(app, client, auth, org, with_role, 3)
    large = _recipients_cost(app, client, auth, org, with_role, 30)
    assert small == large


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"content": "c", "target_type": 3}, "标题:该字段是必填项。"),
        ({"title": "", "content": "c", "target_type": 3}, "标题:该字段不能为空。"),
        ({"title": "x" * 101, "content": "c", "target_type": 3}, "标题:请确保这个字段不能超过 100 个字符。"),
        ({"title": "t", "target_type": 3}, "内容:该字段是必填项。"),
        ({"title": "t", "content": "c", "target_type": 4}, "目标类型:请确保该值在 0 到 3 之间。"),
        ({"title": "t", "content": "c", "target_type": 0}, "目标用户:该字段是必填项。"),
        ({"title": "t", "content": "c", "target_type": 0, "target_user": []}, "目标用户:该字段是必填项。"),
        ({"title": "t", "content": "c", "target_type": 1, "target_role": None}, "目标角色:该字段是必填项。"),
        ({"title": "t", "content": "c", "target_type": 2}, "目标部门:该字段是必填项。"),
        (
            {"title": "t", "content": "c", "target_type": 0, "target_user": ["x"]},
            "target_user.0:请填写合法的整数值。",
        ),
        (
            {"title": "t", "content": "c", "target_type": 0, "target_user": [999999]},
            "目标用户:无效主键 “999999” - 对象不存在。",
        ),
        (
            {"title": "t", "content": "c", "target_type": 1, "target_role": [999999]},
            "目标角色:无效主键 “999999” - 对象不存在。",
        ),
        (
            {"title": "t", "content": "c", "target_type": 2, "target_dept": [999999]},
            "目标部门:无效主键 “999999” - 对象不存在。",
        ),
    ],
)
def test_bad_input_names_the_field(client, app, su, body, msg):
    _user, auth = su
    r = client.post(URL, json=body, headers=auth)
    assert r.status_code == 200 and r.json["code"] == 4000
    assert r.json["msg"] == msg
    assert count(app, MessageCenter) == 0 and count(app, MessageCenterTargetUser) == 0


def test_list_is_messages_i_created(client, app, org, su, login_as):
    user, auth = su
    other = make_user(app, superuser=True, dept=org["root"])
    mine = send(client, auth, target_type=3)
    send(client, login_as(other), target_type=3)
    r = client.get(URL + "?page=1&limit=20", headers=auth)
    assert list(r.json) == PAGE_KEYS and r.json["total"] == 1
    assert [d["id"] for d in r.json["data"]] == [mine["id"]]
    assert set(r.json["data"][0]) == ITEM_KEYS
    assert user


def test_list_filters(client, app, su):
    _user, auth = su
    send(client, auth, title="会议通知", target_type=3)
    send(client, auth, title="放假", target_type=3)
    r = client.get(URL + "?title=会议", headers=auth)
    assert [d["title"] for d in r.json["data"]] == ["会议通知"]
    assert client.get(URL + "?target_type=x", headers=auth).json["msg"] == "target_type:请填写合法的整数值。"


def test_receiving_reading_and_the_newest(client, app, org, su, login_as):
    _user, auth = su
    reader = staff(app, org["ops"], [("{id}/", 0)], data_range=2)
    reader_auth = login_as(reader)
    assert client.get(URL + "get_newest_msg/", headers=reader_auth).json == {
        "code": 2000,
        "data": None,
        "msg": "获取成功",
    }
    first = send(client, auth, title="一", target_type=0, target_user=[reader.id])
    second = send(client, auth, title="二", target_type=3)
    send(client, auth, title="别人的", target_type=2, target_dept=[org["tech"].id])

    got = client.get(URL + "get_self_receive/?page=1&limit=20", headers=reader_auth).json
    assert list(got) == PAGE_KEYS and got["total"] == 2
    assert [d["id"] for d in got["data"]] == [second["id"], first["id"]]
    assert all(d["is_read"] is False for d in got["data"])
    assert set(got["data"][0]) == ITEM_KEYS | {"is_read"}

    newest = client.get(URL + "get_newest_msg/", headers=reader_auth).json
    assert list(newest) == ["code", "data", "msg"] and newest["data"]["id"] == second["id"]
    assert newest["data"]["is_read"] is False

    # retrieve: the message is outside the reader's scope (another dept) but sent to them
    r = client.get(f"{URL}{first['id']}/", headers=reader_auth)
    assert r.json["code"] == 2000 and r.json["data"]["title"] == "一" and r.json["msg"] == "获取成功"
    assert receipts(app, first["id"]) == {reader.id: True}
    flags = {
        d["id"]: d["is_read"] for d in client.get(URL + "get_self_receive/", headers=reader_auth).json["data"]
    }
    assert flags == {first["id"]: True, second["id"]: False}
    assert client.get(URL + "get_self_receive/?title=二", headers=reader_auth).json["total"] == 1


def test_retrieve_outside_scope_and_not_received_is_400(client, app, org, su, login_as):
    _user, auth = su
    message = send(client, auth, target_type=2, target_dept=[org["tech"].id])
    reader = staff(app, org["ops"], [("{id}/", 0)], data_range=2)
    r = client.get(f"{URL}{message['id']}/", headers=login_as(reader))
    assert r.json == {"code": 400, "data": None, "msg": "接口地址不正确"}
    assert client.get(URL + "999999/", headers=auth).json["code"] == 400


def test_update_re_resolves_and_keeps_read_flags(client, app, org, su, login_as):
    _user, auth = su
    a = make_user(app, dept=org["tech"])
    b = make_user(app, dept=org["tech"])
    c = make_user(app, dept=org["ops"])
    message = send(client, auth, target_type=0, target_user=[a.id, b.id])
    with app.app_context():
        db.session.execute(
            sa.update(MessageCenterTargetUser)
            .where(MessageCenterTargetUser.users_id == a.id)
            .values(is_read=True)
        )
        db.session.commit()
    r = client.put(
        f"{URL}{message['id']}/",
        json={**message, "title": "改了", "target_user": [a.id, c.id]},
        headers=auth,
    )
    assert r.json["code"] == 2000 and r.json["data"]["title"] == "改了"
    assert receipts(app, message["id"]) == {a.id: True, c.id: False}
    r = client.put(
        f"{URL}{message['id']}/",
        json={"title": "按部门", "content": "c", "target_type": 2, "target_dept": [org["tech"].id]},
        headers=auth,
    )
    assert r.json["data"]["target_dept"] == [org["tech"].id] and r.json["data"]["target_user"] == []
    assert receipts(app, message["id"]) == {a.id: True, b.id: False}
    patch = client.patch(f"{URL}{message['id']}/", json={"content": "only content"}, headers=auth)
    assert patch.json["data"]["content"] == "only content"
    assert receipts(app, message["id"]) == {a.id: True, b.id: False}


def test_update_with_bad_targets_changes_nothing(client, app, org, su):
    _user, auth = su
    a = make_user(app, dept=org["tech"])
    message = send(client, auth, target_type=0, target_user=[a.id])
    r = client.put(
        f"{URL}{message['id']}/", json={"title": "x", "content": "y", "target_user": [999999]}, headers=auth
    )
    assert r.json["code"] == 4000 and r.json["msg"].startswith("目标用户:")
    with app.app_context():
        assert db.session.get(MessageCenter, message["id"]).title == "通知"
    assert receipts(app, message["id"]) == {a.id: False}


def test_delete_takes_receipts_and_links(client, app, org, su):
    _user, auth = su
    role = make_role(app)
    make_user(app, dept=org["tech"], roles=[role])
    m1 = send(client, auth, target_type=1, target_role=[role.id])
    m2 = send(client, auth, target_type=2, target_dept=[org["tech"].id])
    m3 = send(client, auth, target_type=3)
    assert client.delete(f"{URL}{m1['id']}/", headers=auth).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    r = client.delete(URL + "multiple_delete/", json={"keys": [m2["id"], m3["id"]]}, headers=auth)
    assert r.json["code"] == 2000 and r.json["msg"] == "删除成功"
    for table in (
        MessageCenter,
        MessageCenterTargetUser,
        message_center_target_role,
        message_center_target_dept,
    ):
        assert count(app, table) == 0
    assert client.delete(URL + "multiple_delete/", json={}, headers=auth).json["code"] == 400


def test_get_by_ids(client, app, su):
    _user, auth = su
    message = send(client, auth, target_type=3)
    got = client.post(URL + "get_by_ids/", json={"ids": [message["id"]]}, headers=auth).json
    assert got["code"] == 2000 and [d["id"] for d in got["data"]] == [message["id"]]
    assert client.post(URL + "get_by_ids/", json={"ids": [""]}, headers=auth).json["data"] is None


# ---- non-superusers: scope of targets and of rows ---------------------------------------


def test_non_superuser_may_target_only_within_scope(client, app, org, login_as):
    sender = staff(app, org["tech"], [("", 1)], data_range=2)
    auth = login_as(sender)
    inside = make_user(app, dept=org["tech"])
    outside = make_user(app, dept=org["ops"])
    refused = client.post(
        URL,
        json={"title": "t", "content": "c", "target_type": 0, "target_user": [inside.id, outside.id]},
        headers=auth,
    )
    assert refused.json == {"code": 4000, "data": None, "msg": "目标用户:不能向数据权限范围外的用户发送消息"}
    refused = client.post(
        URL,
        json={"title": "t", "content": "c", "target_type": 2, "target_dept": [org["ops"].id]},
        headers=auth,
    )
    assert refused.json["msg"] == "目标部门:不能向数据权限范围外的部门发送消息"
    assert count(app, MessageCenter) == 0
    ok = send(client, auth, target_type=0, target_user=[inside.id])
    assert receipts(app, ok["id"]) == {inside.id: False}
    everyone = send(client, auth, target_type=3)
    assert receipts(app, everyone["id"]) == {sender.id: False, inside.id: False}
    role = make_role(app)
    in_role = make_user(app, dept=org["tech"], roles=[role])
    make_user(app, dept=org["ops"], roles=[role])
    by_role = send(client, auth, target_type=1, target_role=[role.id])
    assert receipts(app, by_role["id"]) == {in_role.id: False}


def test_another_dept_cannot_reach_messages_by_id(client, app, org, su, login_as):
    _user, auth = su
    message = send(client, auth, target_type=2, target_dept=[org["root"].id])
    apis = [("{id}/", 0), ("{id}/", 2), ("{id}/", 3), ("multiple_delete/", 3), ("get_by_ids/", 1)]
    outsider = staff(app, org["ops"], apis, data_range=2)
    out = login_as(outsider)
    mid = message["id"]
    assert client.get(f"{URL}{mid}/", headers=out).json["code"] == 400
    assert client.put(f"{URL}{mid}/", json={"title": "x", "content": "y"}, headers=out).json["code"] == 400
    assert client.patch(f"{URL}{mid}/", json={"title": "x"}, headers=out).json["code"] == 400
    assert client.delete(f"{URL}{mid}/", headers=out).json["code"] == 400
    assert client.delete(URL + "multiple_delete/", json={"keys": [mid]}, headers=out).json["code"] == 2000
    assert client.post(URL + "get_by_ids/", json={"ids": [mid]}, headers=out).json["data"] == []
    with app.app_context():
        assert db.session.get(MessageCenter, mid).title == "通知"
    assert count(app, MessageCenterTargetUser) == 1


def test_list_statement_count_does_not_grow(client, app, org, su):
    user, auth = su
    role = make_role(app)
    targets = [make_user(app, dept=org["tech"]) for _ in range(3)]
    with app.app_context():
        for n in range(200):
            message = MessageCenter(
                title=f"m{n}",
                content="c",
                target_type=n % 3,
                creator_id=user.id,
                dept_belong_id=str(org["root"].id),
            )
            db.session.add(message)
            db.session.flush()
            db.session.add(
                MessageCenterTargetUser(
                    messagecenter_id=message.id, users_id=targets[n % 3].id, is_read=False
                )
            )
            db.session.execute(
                sa.insert(message_center_target_role).values(messagecenter_id=message.id, role_id=role.id)
            )
            db.session.execute(
                sa.insert(message_center_target_dept).values(
                    messagecenter_id=message.id, dept_id=org["tech"].id
                )
            )
        db.session.commit()
    statements_for(app, client, "get", URL + "?limit=1", headers=auth)
    small = statements_for(app, client, "get", URL + "?limit=20", headers=auth)
    large = statements_for(app, client, "get", URL + "?limit=200", headers=auth)
    assert small == large


def test_self_receive_statement_count_does_not_grow(client, app, org, su, login_as):
    user, auth = su
    reader = make_user(app, dept=org["tech"])
    with app.app_context():
        for n in range(200):
            message = MessageCenter(title=f"m{n}", content="c", target_type=0, creator_id=user.id)
            db.session.add(message)
            db.session.flush()
            db.session.add(
                MessageCenterTargetUser(messagecenter_id=message.id, users_id=reader.id, is_read=False)
            )
        db.session.commit()
    reader_auth = login_as(reader)
    statements_for(app, client, "get", URL + "get_self_receive/?limit=1", headers=reader_auth)
    small = statements_for(app, client, "get", URL + "get_self_receive/?limit=20", headers=reader_auth)
    large = statements_for(app, client, "get", URL + "get_self_receive/?limit=200", headers=reader_auth)
    assert small == large
