from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pin_algorithm import PinAlgorithm
from ..models.pin_encryption_key_encoding import PinEncryptionKeyEncoding
from ..models.pin_encryption_key_format import PinEncryptionKeyFormat
from ..models.pin_encryption_key_hash import PinEncryptionKeyHash

T = TypeVar("T", bound="PinEncryptionKey")


@_attrs_define
class PinEncryptionKey:
    """NeCIPCo's public key, with which partners cipher PINs and plastics' numbers.

    Attributes:
        algorithm (PinAlgorithm): The padding partners cipher with, by its WebCrypto / JOSE name.
        encoding (PinEncryptionKeyEncoding):
        format_ (PinEncryptionKeyFormat):
        hash_ (PinEncryptionKeyHash):
        public_key (str):
        usage (str):
    """

    algorithm: PinAlgorithm
    encoding: PinEncryptionKeyEncoding
    format_: PinEncryptionKeyFormat
    hash_: PinEncryptionKeyHash
    public_key: str
    usage: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        algorithm = self.algorithm.value

        encoding = self.encoding.value

        format_ = self.format_.value

        hash_ = self.hash_.value

        public_key = self.public_key

        usage = self.usage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "algorithm": algorithm,
                "encoding": encoding,
                "format": format_,
                "hash": hash_,
                "public_key": public_key,
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        algorithm = PinAlgorithm(d.pop("algorithm"))

        encoding = PinEncryptionKeyEncoding(d.pop("encoding"))

        format_ = PinEncryptionKeyFormat(d.pop("format"))

        hash_ = PinEncryptionKeyHash(d.pop("hash"))

        public_key = d.pop("public_key")

        usage = d.pop("usage")

        pin_encryption_key = cls(
            algorithm=algorithm,
            encoding=encoding,
            format_=format_,
            hash_=hash_,
            public_key=public_key,
            usage=usage,
        )

        pin_encryption_key.additional_properties = d
        return pin_encryption_key

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
