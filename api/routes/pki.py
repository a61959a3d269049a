"""The demo PKI's trust services over HTTP: RFC 3161 time stamps (``POST /tsa``), OCSP
(``POST /ocsp``, ``GET /ocsp/{request}``), the root's CRL and certificate.

The handlers are plain ``def``: FastAPI runs them in its thread pool, so the RSA signatures
never block the event loop. They answer 404 (problem+json) when no PKI is configured. The
paths are the ones written into the demo certificates (OCSP, CRL, issuer addresses), so
this router has no common prefix.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from api.transactions import CommitOnReturn
from signing.pki import DemoPki, crl_der, ocsp_response, timestamp_response
from storage.errors import NotFoundError

router = APIRouter(route_class=CommitOnReturn, tags=["pki"])

TSA_QUERY = "application/timestamp-query"
TSA_REPLY = "application/timestamp-reply"
OCSP_REQUEST = "application/ocsp-request"
OCSP_RESPONSE = "application/ocsp-response"
_NO_STORE = {"Cache-Control": "no-store"}


def _pki(request: Request) -> DemoPki:
    pki: DemoPki | None = getattr(request.app.state, "pki", None)
    if pki is None:
        raise NotFoundError("no PKI configured on this server (set SOHOA_PKI_DIR or run "
                            "`sohoa pki serve DIR`)", subject=request.url.path)
    return pki


@router.post("/tsa", summary="RFC 3161 time stamp", response_class=Response,
             responses={200: {"content": {TSA_REPLY: {}}}})
def time_stamp(request: Request,
               body: Annotated[bytes, Body(media_type=TSA_QUERY)] = b"") -> Response:
    """Answer a ``TimeStampReq`` with a ``TimeStampResp`` (a rejection when malformed)."""
    return Response(timestamp_response(_pki(request), body), media_type=TSA_REPLY,
                    headers=_NO_STORE)


@router.post("/ocsp", summary="OCSP (POST)", response_class=Response,
             responses={200: {"content": {OCSP_RESPONSE: {}}}})
def ocsp_post(request: Request,
              body: Annotated[bytes, Body(media_type=OCSP_REQUEST)] = b"") -> Response:
    """Answer an OCSP request with the certificate's status, signed by the responder."""
    return Response(ocsp_response(_pki(request), body), media_type=OCSP_RESPONSE,
                    headers=_NO_STORE)


@router.get("/ocsp/{encoded:path}", summary="OCSP (GET, RFC 6960 appendix A)",
            response_class=Response, responses={200: {"content": {OCSP_RESPONSE: {}}}})
def ocsp_get(request: Request, encoded: str) -> Response:
    """The same as ``POST /ocsp`` with the DER request base64-encoded in the path."""
    pki = _pki(request)
    text = encoded.strip().replace("-", "+").replace("_", "/")
    try:
        der = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        der = b""  # answered as a malformed request
    return Response(ocsp_response(pki, der), media_type=OCSP_RESPONSE, headers=_NO_STORE)


@router.get("/crl/root.crl", summary="The root's CRL (DER)", response_class=Response,
            responses={200: {"content": {"application/pkix-crl": {}}}})
def root_crl(request: Request) -> Response:
    """The root's current certificate revocation list."""
    return Response(crl_der(_pki(request)), media_type="application/pkix-crl",
                    headers=_NO_STORE)


@router.get("/certs/root-ca.crt", summary="The root certificate (DER)", response_class=Response,
            responses={200: {"content": {"application/pkix-cert": {}}}})
def root_certificate(request: Request) -> Response:
    """The root CA's certificate, the trust anchor (the certificates' caIssuers address)."""
    der = _pki(request).root_cert.public_bytes(serialization.Encoding.DER)
    return Response(der, media_type="application/pkix-cert")
